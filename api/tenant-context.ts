import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { AppError } from './errors';

export interface RequestActor {
  tenantId: string;
  actor: string;
  requestId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Interim, development-only tenancy: the X-Tenant-Id header. The API issue
 * replaces it with the authenticated session; production refuses it.
 */
export const Actor = createParamDecorator((_data: unknown, ctx: ExecutionContext): RequestActor => {
  const req = ctx.switchToHttp().getRequest<Request & { id?: string }>();
  if (process.env.NODE_ENV === 'production')
    throw new AppError('UNAUTHENTICATED', 'authentication required', 401);
  const tenantId = req.header('x-tenant-id') ?? '';
  if (!UUID.test(tenantId))
    throw new AppError(
      'UNAUTHENTICATED',
      'X-Tenant-Id header must be a tenant uuid',
      401,
      'x-tenant-id',
    );
  return { tenantId, actor: 'dev:anonymous', requestId: req.id ?? '' };
});
