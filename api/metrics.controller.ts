import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Config } from '../ops/config';
import { METRICS, scrapeAllowed, type Metrics } from '../ops/telemetry/metrics';
import { notFound, unauthenticated } from './errors';
import { Public } from './permissions';
import { CONFIG } from './tokens';

/**
 * Prometheus' scrape: no session (a scraper has none), but the METRICS_TOKEN
 * bearer when one is configured; without one, open outside production and
 * absent in it. Labels are route templates, states and codes, never PHI.
 */
@ApiTags('ops')
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Get()
  @Public()
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    const settings = {
      token: this.config.metrics.token,
      production: this.config.env === 'production',
    };
    if (!scrapeAllowed(req.header('authorization'), settings))
      throw settings.token
        ? unauthenticated('send the scrape token as a Bearer token', 'METRICS_TOKEN_REQUIRED')
        : notFound('route');
    res.setHeader('content-type', this.metrics.registry.contentType);
    res.send(await this.metrics.text());
  }
}
