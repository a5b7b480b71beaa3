import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { UserRepository } from '../db/repositories/user.repository';
import { inTenant } from '../db/unit-of-work';
import type { Runtime } from '../ops/runtime';
import { PHI_ROLES, Requires } from './permissions';
import { type Actor, Who } from './principal';
import { RUNTIME } from './tokens';

/** The appeal team as a reviewer reassigning a task needs it: who can take the work. */
@ApiTags('review tasks')
@ApiBearerAuth()
@Controller('team')
export class TeamController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get('members')
  @Requires('task.team')
  async members(@Who() who: Actor) {
    const users = await inTenant(this.runtime.db, who, (tx) => new UserRepository(tx).list());
    return users
      .filter((u) => u.status === 'active' && u.roles.some((r) => PHI_ROLES.includes(r)))
      .map((u) => ({
        id: u.id,
        displayName: u.display_name,
        email: u.email,
        roles: u.roles.filter((r) => PHI_ROLES.includes(r)),
        self: u.id === who.principal.id,
      }));
  }
}
