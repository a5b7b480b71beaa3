import { SetMetadata } from '@nestjs/common';
import type { RoleName } from '../db/schema';

export const ROLES: readonly RoleName[] = [
  'admin',
  'appeal_specialist',
  'reviewer',
  'ops',
  'auditor',
] as const;

const WORKERS: RoleName[] = ['appeal_specialist', 'reviewer'];

/**
 * The one permission matrix: every route names one permission, and a role may
 * use a route only when it is listed here. PHI-bearing permissions are marked:
 * API keys never hold them and a user needs a verified second factor.
 */
export const MATRIX = {
  'remittance.upload': { roles: WORKERS, phi: false },
  'remittance.read': { roles: [...WORKERS, 'ops'], phi: false },
  'claim.search': { roles: [...WORKERS, 'ops'], phi: false },
  /** Metadata for ops; specialists and reviewers also get the PHI of claims in their work. */
  'claim.read': { roles: [...WORKERS, 'ops'], phi: false },
  'claim.break_glass': { roles: ['auditor'], phi: true },
  'task.mine': { roles: WORKERS, phi: false },
  'task.team': { roles: ['reviewer'], phi: false },
  'task.read': { roles: WORKERS, phi: true },
  'task.decide': { roles: WORKERS, phi: false },
  'appeal.status': { roles: [...WORKERS, 'ops'], phi: false },
  'appeal.read': { roles: WORKERS, phi: true },
  'workflow.list': { roles: ['ops'], phi: false },
  'workflow.operate': { roles: ['ops'], phi: false },
  /** Aggregates only (counts and dollars by category and payer): no PHI. */
  'dashboard.read': { roles: [...WORKERS, 'ops'], phi: false },
  'audit.read': { roles: ['auditor'], phi: false },
  'audit.verify': { roles: ['auditor'], phi: false },
  'audit.export': { roles: ['auditor'], phi: false },
  'user.manage': { roles: ['admin'], phi: false },
  'apikey.manage': { roles: ['admin'], phi: false },
  'tenant.settings': { roles: ['admin'], phi: false },
  'codec.encode': { roles: [...WORKERS, 'ops'], phi: false },
  'codec.decode': { roles: WORKERS, phi: true },
} as const satisfies Record<string, { roles: readonly RoleName[]; phi: boolean }>;

export type Permission = keyof typeof MATRIX;
export const PERMISSIONS = Object.keys(MATRIX) as Permission[];

/** Roles whose users may see PHI (of claims in their work); admin, ops and auditor may not. */
export const PHI_ROLES: readonly RoleName[] = WORKERS;

export function rolesFor(permission: Permission): readonly RoleName[] {
  return MATRIX[permission].roles;
}

export type AccessRule =
  | { kind: 'public'; rateLimited?: boolean }
  /** Any signed-in user, before the second factor too (enrol, verify, logout). */
  | { kind: 'session'; beforeMfa: boolean; rateLimited?: boolean }
  | { kind: 'permission'; permission: Permission };

export const ACCESS = 'claimflow:access';

/** No session needed (login, health, docs). */
export const Public = (opts: { rateLimited?: boolean } = {}) =>
  SetMetadata(ACCESS, { kind: 'public', ...opts } satisfies AccessRule);

/** A signed-in user acting on their own session or account. */
export const SignedIn = (opts: { beforeMfa?: boolean; rateLimited?: boolean } = {}) =>
  SetMetadata(ACCESS, {
    kind: 'session',
    beforeMfa: opts.beforeMfa ?? false,
    rateLimited: opts.rateLimited,
  } satisfies AccessRule);

export const Requires = (permission: Permission) =>
  SetMetadata(ACCESS, { kind: 'permission', permission } satisfies AccessRule);
