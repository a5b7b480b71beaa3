import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Client, Connection } from '@temporalio/client';
import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../ops/config';
import type { Runtime } from '../ops/runtime';
import { createDataConverter } from '../ops/temporal/data-converter';
import { AppModule } from './app.module';
import { ErrorFilter } from './error.filter';

export async function connectTemporal(
  config: Config,
): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({
    address: config.temporal.address ?? `127.0.0.1:${config.temporal.port}`,
  });
  return {
    client: new Client({
      connection,
      namespace: config.temporal.namespace,
      dataConverter: createDataConverter(config),
    }),
    connection,
  };
}

/** Builds the API on given dependencies; main.ts and the tests share it. */
export async function createApp(
  config: Config,
  runtime: Runtime,
  temporal: Client,
  logger?: LoggerService | false,
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.with({ config, runtime, temporal }),
    {
      logger: logger ?? ['error', 'warn'],
      bodyParser: false,
    },
  );
  app.disable('x-powered-by');
  app.use((req: Request & { id?: string }, res: Response, next: NextFunction) => {
    const incoming = req.header('x-request-id');
    req.id = incoming && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', req.id);
    next();
  });
  app.useBodyParser('json', { limit: '1mb' });
  app.useGlobalFilters(new ErrorFilter());
  app.enableShutdownHooks();
  const doc = new DocumentBuilder()
    .setTitle('claimflow API')
    .setDescription('Remittances, claims and their workflows')
    .setVersion('0.1.0')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), {
    jsonDocumentUrl: 'docs-json',
  });
  return app;
}
