import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Requires } from './permissions';
import { type Actor, Who } from './principal';
import { ReviewTasksService } from './review-tasks.service';
import { body, query } from './validation';

const Page = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) });
const Decision = z.discriminatedUnion('decision', [
  z.strictObject({ decision: z.literal('approve') }),
  z.strictObject({ decision: z.literal('edit'), letter: z.string().min(1).max(50_000) }),
  z.strictObject({ decision: z.literal('reject'), reason: z.string().min(1).max(2000) }),
  z.strictObject({ decision: z.literal('reassign'), assignTo: z.uuid() }),
]);

@ApiTags('review tasks')
@ApiBearerAuth()
@Controller('review-tasks')
export class ReviewTasksController {
  constructor(private readonly tasks: ReviewTasksService) {}

  @Get('mine')
  @Requires('task.mine')
  @ApiQuery({ name: 'limit', required: false })
  mine(@Who() who: Actor, @Query(query(Page)) q: z.infer<typeof Page>) {
    return this.tasks.mine(who, q.limit);
  }

  @Get('team')
  @Requires('task.team')
  @ApiQuery({ name: 'limit', required: false })
  team(@Who() who: Actor, @Query(query(Page)) q: z.infer<typeof Page>) {
    return this.tasks.team(who, q.limit);
  }

  @Get(':id')
  @Requires('task.read')
  get(@Who() who: Actor, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.tasks.get(who, id);
  }

  @Post(':id/take')
  @HttpCode(204)
  @Requires('task.mine')
  async take(@Who() who: Actor, @Param('id', new ParseUUIDPipe()) id: string) {
    await this.tasks.take(who, id);
  }

  @Post(':id/decision')
  @HttpCode(200)
  @Requires('task.decide')
  @ApiBody({ schema: { example: { decision: 'reject', reason: 'payer already reprocessed' } } })
  decide(
    @Who() who: Actor,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body(body(Decision)) input: z.infer<typeof Decision>,
  ) {
    return this.tasks.decide(who, id, input);
  }
}
