import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { MATRIX, PERMISSIONS, type Permission, ROLES, Requires } from './permissions';
import { type Actor, Who } from './principal';
import { UsersService } from './users.service';
import { body } from './validation';

const Role = z.enum(ROLES as [string, ...string[]]).transform((r) => r as (typeof ROLES)[number]);
const Invite = z.strictObject({
  email: z.email().max(254),
  displayName: z.string().min(1).max(200),
  role: Role,
});
const Grant = z.strictObject({ role: Role });
const NewKey = z.strictObject({
  name: z.string().min(1).max(100),
  role: Role,
  scopes: z
    .array(z.enum(PERMISSIONS as [Permission, ...Permission[]]))
    .max(PERMISSIONS.length)
    .optional(),
  expiresInDays: z.number().int().min(1).max(366).optional(),
});

@ApiTags('users and roles')
@ApiBearerAuth()
@Controller()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('users')
  @Requires('user.manage')
  list(@Who() who: Actor) {
    return this.users.list(who);
  }

  @Post('users')
  @Requires('user.manage')
  @ApiBody({ schema: { example: { email: 'a@acme.test', displayName: 'A', role: 'reviewer' } } })
  invite(@Who() who: Actor, @Body(body(Invite)) input: z.infer<typeof Invite>) {
    return this.users.invite(who, input);
  }

  @Post('users/:id/roles')
  @HttpCode(204)
  @Requires('user.manage')
  async grant(
    @Who() who: Actor,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body(body(Grant)) input: z.infer<typeof Grant>,
  ) {
    await this.users.grant(who, id, input.role);
  }

  @Delete('users/:id/roles/:role')
  @HttpCode(204)
  @Requires('user.manage')
  async revoke(
    @Who() who: Actor,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('role', body(Role)) role: z.infer<typeof Role>,
  ) {
    await this.users.revoke(who, id, role);
  }

  @Post('users/:id/disable')
  @HttpCode(204)
  @Requires('user.manage')
  async disable(@Who() who: Actor, @Param('id', new ParseUUIDPipe()) id: string) {
    await this.users.disable(who, id);
  }

  @Post('users/:id/sessions/revoke')
  @HttpCode(204)
  @Requires('user.manage')
  async revokeSessions(@Who() who: Actor, @Param('id', new ParseUUIDPipe()) id: string) {
    await this.users.revokeSessions(who, id);
  }

  /** The permission matrix itself, as the guard enforces it. */
  @Get('roles')
  @Requires('user.manage')
  roles() {
    return ROLES.map((role) => ({
      role,
      permissions: PERMISSIONS.filter((p) => (MATRIX[p].roles as readonly string[]).includes(role)),
    }));
  }

  @Get('api-keys')
  @Requires('apikey.manage')
  keys(@Who() who: Actor) {
    return this.users.keys(who);
  }

  @Post('api-keys')
  @Requires('apikey.manage')
  @ApiBody({
    schema: {
      example: { name: 'clearinghouse', role: 'appeal_specialist', scopes: ['remittance.upload'] },
    },
  })
  createKey(@Who() who: Actor, @Body(body(NewKey)) input: z.infer<typeof NewKey>) {
    return this.users.createKey(who, input);
  }

  @Delete('api-keys/:id')
  @HttpCode(204)
  @Requires('apikey.manage')
  async revokeKey(@Who() who: Actor, @Param('id', new ParseUUIDPipe()) id: string) {
    await this.users.revokeKey(who, id);
  }

  @Get('tenant')
  @Requires('tenant.settings')
  tenant(@Who() who: Actor) {
    return this.users.tenant(who);
  }
}
