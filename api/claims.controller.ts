import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CLAIM_STATES, type ClaimLifecycleState } from '../workflows/contracts';
import { ClaimsService } from './claims.service';
import { Requires } from './permissions';
import { type Actor, Who } from './principal';
import { body, query } from './validation';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-11-24');
const cents = z.coerce.number().int().min(0).max(1e12);
export const ClaimQuery = z.strictObject({
  status: z.enum(CLAIM_STATES).optional(),
  category: z
    .string()
    .regex(/^[a-z][a-z_]{1,40}$/)
    .optional(),
  payer: z.string().min(1).max(80).optional(),
  deadlineFrom: date.optional(),
  deadlineTo: date.optional(),
  minAmountCents: cents.optional(),
  maxAmountCents: cents.optional(),
  after: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
const BreakGlass = z.strictObject({ reason: z.string().trim().min(10).max(500) });

@ApiTags('claims')
@ApiBearerAuth()
@Controller('claims')
export class ClaimsController {
  constructor(private readonly claims: ClaimsService) {}

  @Get()
  @Requires('claim.search')
  @ApiQuery({ name: 'status', required: false })
  @ApiQuery({ name: 'category', required: false })
  @ApiQuery({ name: 'payer', required: false })
  @ApiQuery({ name: 'deadlineFrom', required: false })
  @ApiQuery({ name: 'deadlineTo', required: false })
  @ApiQuery({ name: 'minAmountCents', required: false })
  @ApiQuery({ name: 'maxAmountCents', required: false })
  @ApiQuery({ name: 'after', required: false })
  @ApiQuery({ name: 'limit', required: false })
  search(@Who() who: Actor, @Query(query(ClaimQuery)) q: z.infer<typeof ClaimQuery>) {
    return this.claims.search(who, {
      limit: q.limit,
      ...(q.status ? { state: q.status } : {}),
      ...(q.category ? { category: q.category } : {}),
      ...(q.payer ? { payerKey: q.payer } : {}),
      ...(q.deadlineFrom ? { deadlineFrom: q.deadlineFrom } : {}),
      ...(q.deadlineTo ? { deadlineTo: q.deadlineTo } : {}),
      ...(q.minAmountCents !== undefined ? { minAmountCents: q.minAmountCents } : {}),
      ...(q.maxAmountCents !== undefined ? { maxAmountCents: q.maxAmountCents } : {}),
      ...(q.after ? { after: q.after } : {}),
    });
  }

  @Get(':id')
  @Requires('claim.read')
  detail(@Who() who: Actor, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.claims.detail(who, id);
  }

  @Get(':id/state')
  @Requires('claim.read')
  state(
    @Who() who: Actor,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<ClaimLifecycleState> {
    return this.claims.state(who, id);
  }

  @Post(':id/break-glass')
  @HttpCode(200)
  @Requires('claim.break_glass')
  @ApiBody({ schema: { example: { reason: 'complaint investigation #123' } } })
  breakGlass(
    @Who() who: Actor,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body(body(BreakGlass)) input: z.infer<typeof BreakGlass>,
  ) {
    return this.claims.breakGlass(who, id, input.reason);
  }
}
