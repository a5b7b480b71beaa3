import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { DashboardService } from './dashboard.service';
import { Requires } from './permissions';
import { type Actor, Who } from './principal';
import { query } from './validation';

const Window = z.strictObject({
  /** How many days ahead count as "this week" for deadlines (today included). */
  days: z.coerce.number().int().min(1).max(31).default(7),
});

@ApiTags('dashboard')
@ApiBearerAuth()
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  /** Denials by category and payer, dollars at stake and recovered, appeals won and lost, deadlines ahead. No PHI. */
  @Get()
  @Requires('dashboard.read')
  @ApiQuery({ name: 'days', required: false })
  summary(@Who() who: Actor, @Query(query(Window)) q: z.infer<typeof Window>) {
    return this.dashboard.summary(who, q.days);
  }
}
