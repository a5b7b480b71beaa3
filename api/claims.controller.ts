import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { ClaimLifecycleState } from '../workflows/contracts';
import { ClaimsService } from './claims.service';
import { Actor, type RequestActor } from './tenant-context';

@ApiTags('claims')
@ApiHeader({
  name: 'X-Tenant-Id',
  description: 'development only, until sessions land',
  required: true,
})
@Controller('claims')
export class ClaimsController {
  constructor(private readonly claims: ClaimsService) {}

  @Get(':id/state')
  state(
    @Actor() who: RequestActor,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<ClaimLifecycleState> {
    return this.claims.state(who, id);
  }
}
