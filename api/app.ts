import 'reflect-metadata';
import * as fs from 'node:fs';
import { constants as tlsConstants } from 'node:crypto';
import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Client } from '@temporalio/client';
import helmet from 'helmet';
import type { Config } from '../ops/config';
import type { Runtime } from '../ops/runtime';
import { httpTelemetryMiddleware } from '../ops/telemetry/http-telemetry';
import { createLogger } from '../ops/telemetry/logger';
import { Metrics } from '../ops/telemetry/metrics';
import { PinoNestLogger } from '../ops/telemetry/nest-logger';
import { WriteMetricsPlugin } from '../ops/telemetry/write-metrics.plugin';
import { createWorkflowOps } from '../ops/temporal/workflow-ops';
import { AppModule } from './app.module';
import type { Clock } from './clock';
import { ErrorFilter } from './error.filter';
import { requestContext, requestContextMiddleware } from './request-context';

// Where it has always been imported from; it lives beside the codec now, shared with the CLI.
export { connectTemporal } from '../ops/temporal/client';

/** TLS 1.2 at least; Node negotiates 1.3 first whenever the client speaks it. */
function httpsOptions(config: Config) {
  if (!config.tls) return undefined;
  return {
    cert: fs.readFileSync(config.tls.certFile),
    key: fs.readFileSync(config.tls.keyFile),
    minVersion: 'TLSv1.2' as const,
    maxVersion: 'TLSv1.3' as const,
    honorCipherOrder: true,
    secureOptions: tlsConstants.SSL_OP_NO_RENEGOTIATION,
  };
}

const LEVELS: LogLevel[] = ['error', 'warn'];

/** Builds the API on given dependencies; main.ts and the tests share it. */
export async function createApp(
  config: Config,
  runtime: Runtime,
  temporal: Client,
  logger?: LoggerService | false,
  opts: { clock?: Clock; metrics?: Metrics } = {},
): Promise<INestApplication> {
  const https = httpsOptions(config);
  const ops = createWorkflowOps(config, temporal, runtime.db);
  const metrics = opts.metrics ?? new Metrics('api', { workflowCounts: () => ops.gaugeCounts() });
  // Audit events the API appends are counted from the inserts themselves.
  const observed: Runtime = {
    ...runtime,
    db: runtime.db.withPlugin(new WriteMetricsPlugin({ audit_events: metrics.auditWrites })),
  };
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.with({
      config,
      runtime: observed,
      temporal,
      metrics,
      ...(opts.clock ? { clock: opts.clock } : {}),
    }),
    {
      logger:
        logger ??
        new PinoNestLogger(
          createLogger(config, 'api', { context: () => ({ ...requestContext.getStore() }) }),
          LEVELS,
        ),
      bodyParser: false,
      ...(https ? { httpsOptions: https } : {}),
    },
  );
  app.disable('x-powered-by');
  // Every response is Cache-Control: no-store, so an ETag (a SHA-1 of each body) buys nothing.
  app.set('etag', false);
  app.set('trust proxy', false);
  app.use(requestContextMiddleware);
  app.use(httpTelemetryMiddleware(metrics));
  app.use(
    helmet({
      // The API serves JSON and the docs page; HSTS only matters (and only applies) over TLS.
      hsts: config.tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", "'unsafe-inline'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          frameAncestors: ["'none'"],
        },
      },
    }),
  );
  // CORS stays closed unless origins are configured (the Temporal UI's, for the codec).
  if (config.corsOrigins.length)
    app.enableCors({
      origin: config.corsOrigins,
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Namespace', 'X-Request-Id'],
      credentials: false,
      maxAge: 600,
    });
  app.use((_req: unknown, res: { setHeader(k: string, v: string): void }, next: () => void) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.useBodyParser('json', { limit: '1mb', strict: true });
  app.useGlobalFilters(new ErrorFilter());
  app.enableShutdownHooks();
  const doc = new DocumentBuilder()
    .setTitle('claimflow API')
    .setDescription(
      'Remittances, claims, review tasks, appeals and the audit trail. Sign in with POST /auth/login, ' +
        'then verify a TOTP code (POST /auth/mfa/verify); send the session token as a Bearer token.',
    )
    .setVersion('0.2.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), {
    jsonDocumentUrl: 'docs-json',
  });
  return app;
}
