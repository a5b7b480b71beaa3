import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import type { Config } from '../ops/config';
import { AuthService } from './auth.service';
import { AppError, forbidden, unauthenticated } from './errors';
import { ACCESS, type AccessRule, MATRIX } from './permissions';
import type { AuthedRequest } from './principal';
import { RateLimiter } from './rate-limiter';
import { requestContext } from './request-context';
import { CONFIG } from './tokens';

/**
 * Deny by default: a route without a declared rule is refused; otherwise the
 * bearer is authenticated, a user must have passed MFA, and one of the
 * caller's roles must grant the route's permission in the matrix. API keys
 * never reach PHI-bearing permissions (they have no second factor).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    @Inject(CONFIG) config: Config,
  ) {
    this.limiter = new RateLimiter(config.auth.rateLimitPerMinute);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (!rule) throw forbidden('this route declares no permission');
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    if (rule.kind !== 'permission' && rule.rateLimited) {
      const wait = this.limiter.hit(
        `${req.ip ?? ''}|${ctx.getClass().name}.${ctx.getHandler().name}`,
      );
      if (wait > 0) {
        ctx.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(wait));
        throw new AppError('RATE_LIMITED', 'too many attempts; wait and retry', 429);
      }
    }
    if (rule.kind === 'public') return true;
    const principal = await this.auth.authenticate(req.header('authorization'), req.id ?? '');
    req.principal = principal;
    const store = requestContext.getStore();
    if (store) Object.assign(store, { tenantId: principal.tenantId, actor: principal.id });
    if (rule.kind === 'session') {
      if (principal.kind !== 'user') throw forbidden('this route is for signed-in users');
      if (!rule.beforeMfa && !principal.mfaVerified)
        throw unauthenticated('verify your second factor first', 'MFA_REQUIRED');
      req.grantedRole = principal.roles[0] ?? 'none';
    } else {
      const entry = MATRIX[rule.permission];
      if (principal.kind === 'user' && !principal.mfaVerified)
        throw unauthenticated('verify your second factor first', 'MFA_REQUIRED');
      const granting = principal.roles.find((r) => (entry.roles as readonly string[]).includes(r));
      if (!granting) throw forbidden();
      if (principal.kind === 'api_key') {
        if (entry.phi) throw forbidden('API keys never reach PHI');
        if (principal.scopes.length && !principal.scopes.includes(rule.permission))
          throw forbidden('the API key is not scoped for this');
      }
      req.grantedRole = granting;
    }
    if (store) store.role = req.grantedRole;
    return true;
  }
}
