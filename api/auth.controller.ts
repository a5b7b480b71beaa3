import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AuthService } from './auth.service';
import { MAX_PASSWORD } from './passwords';
import { Public, SignedIn } from './permissions';
import { type Actor, type AuthedRequest, Who } from './principal';
import { body } from './validation';

const Login = z.strictObject({
  tenant: z.string().min(1).max(63),
  email: z.string().min(3).max(254),
  password: z.string().min(1).max(MAX_PASSWORD),
});
const Verify = z
  .strictObject({
    code: z
      .string()
      .regex(/^\d{6}$/, 'six digits')
      .optional(),
    recoveryCode: z.string().min(8).max(40).optional(),
  })
  .refine((v) => Boolean(v.code) !== Boolean(v.recoveryCode), {
    message: 'give either code or recoveryCode',
    path: ['code'],
  });
const Activate = z.strictObject({
  token: z.string().min(1).max(300),
  password: z.string().min(1).max(MAX_PASSWORD),
});

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Password first; the session it returns reaches nothing but MFA until the second factor is verified. */
  @Post('login')
  @HttpCode(200)
  @Public({ rateLimited: true })
  @ApiBody({ schema: { example: { tenant: 'acme', email: 'a@acme.test', password: '…' } } })
  login(@Req() req: AuthedRequest, @Body(body(Login)) input: z.infer<typeof Login>) {
    return this.auth.login(input, req.id ?? '');
  }

  @Post('activate')
  @HttpCode(204)
  @Public({ rateLimited: true })
  @ApiBody({ schema: { example: { token: 'cfi_…', password: '…' } } })
  async activate(@Req() req: AuthedRequest, @Body(body(Activate)) input: z.infer<typeof Activate>) {
    await this.auth.activate(input, req.id ?? '');
  }

  @Post('mfa/enrol')
  @SignedIn({ beforeMfa: true })
  @ApiBearerAuth()
  enrol(@Who() who: Actor) {
    return this.auth.enrol(who);
  }

  @Post('mfa/verify')
  @HttpCode(200)
  @SignedIn({ beforeMfa: true, rateLimited: true })
  @ApiBearerAuth()
  @ApiBody({ schema: { example: { code: '123456' } } })
  verify(@Who() who: Actor, @Body(body(Verify)) input: z.infer<typeof Verify>) {
    return this.auth.verifyMfa(who, input);
  }

  @Post('logout')
  @HttpCode(204)
  @SignedIn({ beforeMfa: true })
  @ApiBearerAuth()
  async logout(@Who() who: Actor) {
    await this.auth.logout(who);
  }

  @Get('sessions')
  @SignedIn()
  @ApiBearerAuth()
  sessions(@Who() who: Actor) {
    return this.auth.sessions(who);
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @SignedIn()
  @ApiBearerAuth()
  async revoke(@Who() who: Actor, @Param('id', new ParseUUIDPipe()) id: string) {
    await this.auth.revokeOwn(who, id);
  }

  @Get('me')
  @SignedIn({ beforeMfa: true })
  @ApiBearerAuth()
  me(@Who() who: Actor) {
    const p = who.principal;
    return { id: p.id, tenantId: p.tenantId, roles: p.roles, mfaVerified: p.mfaVerified };
  }
}
