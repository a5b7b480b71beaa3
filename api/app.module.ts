import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MULTER_MODULE_OPTIONS } from '@nestjs/platform-express/multer/files.constants';
import type { Client } from '@temporalio/client';
import type { Config } from '../ops/config';
import type { Runtime } from '../ops/runtime';
import { METRICS, Metrics } from '../ops/telemetry/metrics';
import { AccessGuard } from './access.guard';
import { AppealsController } from './appeals.controller';
import { AppealsService } from './appeals.service';
import { AuditController } from './audit.controller';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { ClaimLinesController } from './claim-lines.controller';
import { ClaimTimelineService } from './claim-timeline.service';
import { ClaimsController } from './claims.controller';
import { ClaimsService } from './claims.service';
import { type Clock, systemClock } from './clock';
import { CodecController } from './codec.controller';
import { DashboardController } from './dashboard.controller';
import { DashboardService } from './dashboard.service';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { RemittancesController } from './remittances.controller';
import { RemittancesService } from './remittances.service';
import { ReviewTasksController } from './review-tasks.controller';
import { ReviewTasksService } from './review-tasks.service';
import { SessionCache } from './session-cache';
import { TeamController } from './team.controller';
import { CLOCK, CONFIG, RUNTIME, TEMPORAL } from './tokens';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';
import { WebController } from './web.controller';
import { WorkflowsController } from './workflows.controller';
import { WorkflowsService } from './workflows.service';

export interface AppDeps {
  config: Config;
  runtime: Runtime;
  temporal: Client;
  /** Tests inject a clock they move; production runs on the system's. */
  clock?: Clock;
  /** The process's metrics; a stack without one gets its own. */
  metrics?: Metrics;
}

export const CONTROLLERS = [
  HealthController,
  AuthController,
  UsersController,
  RemittancesController,
  ClaimsController,
  ReviewTasksController,
  AppealsController,
  AuditController,
  WorkflowsController,
  MetricsController,
  CodecController,
  ClaimLinesController,
  DashboardController,
  TeamController,
  // Last: its /app/ fallback must never shadow an API route.
  WebController,
];

@Module({})
export class AppModule {
  /** Dependencies are built once at boot and handed in, so tests pass their own. */
  static with(deps: AppDeps): DynamicModule {
    return {
      module: AppModule,
      controllers: CONTROLLERS,
      providers: [
        { provide: CONFIG, useValue: deps.config },
        { provide: RUNTIME, useValue: deps.runtime },
        { provide: TEMPORAL, useValue: deps.temporal },
        { provide: CLOCK, useValue: deps.clock ?? systemClock },
        { provide: METRICS, useValue: deps.metrics ?? new Metrics('api') },
        {
          provide: MULTER_MODULE_OPTIONS,
          useValue: { limits: { fileSize: deps.config.uploadMaxBytes, files: 1, fields: 5 } },
        },
        // Every route of every controller passes this guard: deny by default.
        { provide: APP_GUARD, useClass: AccessGuard },
        SessionCache,
        AuthService,
        UsersService,
        RemittancesService,
        ClaimsService,
        ReviewTasksService,
        AppealsService,
        DashboardService,
        ClaimTimelineService,
        WorkflowsService,
      ],
    };
  }
}
