import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from './permissions';
import type { Client } from '@temporalio/client';
import type { Response } from 'express';
import { ping } from '../db/database';
import type { Config } from '../ops/config';
import type { Runtime } from '../ops/runtime';
import { CONFIG, RUNTIME, TEMPORAL } from './tokens';

interface Check {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

async function timed(work: () => Promise<unknown>, timeoutMs = 2000): Promise<Check> {
  const started = performance.now();
  try {
    await Promise.race([
      work(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('timed out')), timeoutMs).unref(),
      ),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    // The reason class only: driver messages can carry connection strings.
    const message =
      err instanceof Error && err.message === 'timed out' ? 'timed out' : 'unreachable';
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: message };
  }
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(TEMPORAL) private readonly temporal: Client,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Get()
  async health(@Res({ passthrough: true }) res: Response) {
    const [database, temporal] = await Promise.all([
      timed(() => ping(this.runtime.db)),
      timed(() =>
        this.temporal.workflowService.describeNamespace({
          namespace: this.config.temporal.namespace,
        }),
      ),
    ]);
    const ok = database.ok && temporal.ok;
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'degraded', database, temporal };
  }
}
