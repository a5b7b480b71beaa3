import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { RoleName } from '../db/schema';
import type { ScopeContext } from '../db/unit-of-work';
import { unauthenticated } from './errors';

/** Who calls, as the guard established it from a session or an API key; never from the request. */
export interface Principal {
  kind: 'user' | 'api_key';
  /** The user's id, or the API key's id. */
  id: string;
  tenantId: string;
  roles: RoleName[];
  sessionId?: string;
  mfaVerified: boolean;
  scopes: string[];
}

/** The principal plus what a unit of work needs: `inTenant(db, who, …)` takes it as is. */
export interface Actor extends ScopeContext {
  principal: Principal;
  /** The role under which this request acts: the first of the caller's roles that grants the route. */
  role: string;
  requestId: string;
}

export type AuthedRequest = Request & { id?: string; principal?: Principal; grantedRole?: string };

export function actorOf(req: AuthedRequest): Actor {
  const p = req.principal;
  if (!p) throw unauthenticated();
  return {
    tenantId: p.tenantId,
    actor: p.kind === 'user' ? p.id : `apikey:${p.id}`,
    role: req.grantedRole ?? p.roles[0] ?? 'none',
    requestId: req.id ?? '',
    principal: p,
  };
}

export const Who = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor =>
  actorOf(ctx.switchToHttp().getRequest()),
);
