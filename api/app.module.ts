import { type DynamicModule, Module } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { Config } from '../ops/config';
import type { Runtime } from '../ops/runtime';
import { ClaimsController } from './claims.controller';
import { ClaimsService } from './claims.service';
import { HealthController } from './health.controller';
import { RemittancesController } from './remittances.controller';
import { RemittancesService } from './remittances.service';
import { CONFIG, RUNTIME, TEMPORAL } from './tokens';
import { WebController } from './web.controller';

export interface AppDeps {
  config: Config;
  runtime: Runtime;
  temporal: Client;
}

@Module({})
export class AppModule {
  /** Dependencies are built once at boot and handed in, so tests pass their own. */
  static with(deps: AppDeps): DynamicModule {
    return {
      module: AppModule,
      controllers: [HealthController, RemittancesController, ClaimsController, WebController],
      providers: [
        { provide: CONFIG, useValue: deps.config },
        { provide: RUNTIME, useValue: deps.runtime },
        { provide: TEMPORAL, useValue: deps.temporal },
        RemittancesService,
        ClaimsService,
      ],
    };
  }
}
