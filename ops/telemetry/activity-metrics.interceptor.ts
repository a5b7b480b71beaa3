import { CancelledFailure, type Context } from '@temporalio/activity';
import type {
  ActivityExecuteInput,
  ActivityInboundCallsInterceptor,
  Next,
} from '@temporalio/worker';
import type { Metrics } from './metrics';

/** Counts every failed activity attempt by activity type (a cancellation is not a failure). */
export class ActivityMetricsInterceptor implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: Context,
    private readonly metrics: Metrics,
  ) {}

  async execute(
    input: ActivityExecuteInput,
    next: Next<ActivityInboundCallsInterceptor, 'execute'>,
  ): Promise<unknown> {
    try {
      return await next(input);
    } catch (err) {
      if (!(err instanceof CancelledFailure))
        this.metrics.errors.inc({ component: 'worker', source: this.ctx.info.activityType });
      throw err;
    }
  }
}
