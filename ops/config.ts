import * as path from 'node:path';
import { z } from 'zod';

/**
 * Configuration is read once at boot from the environment. A bad value stops
 * start-up with one line naming every offending variable (never its value when
 * it is a secret).
 */
const port = z.coerce.number().int().min(1).max(65535);
const optionalUrl = z.url().optional();
const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration like 500ms, 30s, 15m, 2h or 7d');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  CLAIMFLOW_DATA_DIR: z.string().min(1).optional(),
  DATABASE_URL: optionalUrl,
  APP_DATABASE_URL: optionalUrl,
  APP_DATABASE_PASSWORD: z.string().min(1).default('claimflow_app_dev'),
  PG_PORT: port.default(54329),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('claimflow'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('claimflow'),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_CONNECT_TIMEOUT: duration.default('10s'),
  CLAIMFLOW_MASTER_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'base64 of exactly 32 bytes')
    .optional(),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: optionalUrl,
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'),
  REVIEW_TIMEOUT: duration.default('30d'),
  REVIEW_REMINDER_EVERY: duration.default('2d'),
  REVIEW_ESCALATE_AFTER: duration.default('5d'),
  FOLLOW_UP_EVERY: duration.default('30d'),
  FOLLOW_UP_LIMIT: z.coerce.number().int().min(0).max(50).default(3),
  // claude-sonnet-4-5 reached end of life on 2026-11-30.
  ANTHROPIC_MODEL: z.string().min(1).default('claude-sonnet-5-5'),
  AI_TIMEOUT: duration.default('60s'),
  PAYER_OUTBOX_DIR: z.string().min(1).optional(),
  PAYER_ENDPOINT: optionalUrl,
  SESSION_IDLE_TIMEOUT: duration.default('15m'),
  SESSION_ABSOLUTE_TIMEOUT: duration.default('12h'),
  LOGIN_LOCKOUT_THRESHOLD: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_LOCKOUT_BASE: duration.default('1m'),
  LOGIN_LOCKOUT_MAX: duration.default('1h'),
  AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(2 ** 31)
    .default(200 * 1024 * 1024),
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  EXTERNAL_RETRY_MAX_ATTEMPTS: z.coerce.number().int().min(0).max(1000).default(0),
  EXTERNAL_RETRY_INITIAL: duration.default('5s'),
  WORKFLOW_STUCK_AFTER: duration.default('15m'),
  WORKFLOW_BUNDLE: z.string().min(1).optional(),
  CLAIMFLOW_BACKUP_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'base64 of exactly 32 bytes')
    .optional(),
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_CRON: z
    .string()
    .regex(/^(off|(\S+\s+){4}\S+)$/, 'a five-field cron expression like "30 2 * * *", or off')
    .default('30 2 * * *'),
  BACKUP_RETAIN_COUNT: z.coerce.number().int().min(1).max(10_000).default(14),
  BACKUP_RETAIN_DAYS: z.coerce.number().int().min(1).max(3650).default(35),
  PG_BIN_DIR: z.string().min(1).optional(),
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  CORS_ORIGINS: z
    .string()
    .refine(
      (v) => v.split(',').every((o) => /^https?:\/\/[^/\s,]+$/.test(o.trim())),
      'a comma-separated list of origins like https://ui.example.com',
    )
    .optional(),
});

const SECRETS = new Set([
  'CLAIMFLOW_MASTER_KEY',
  'ANTHROPIC_API_KEY',
  'APP_DATABASE_PASSWORD',
  'CLAIMFLOW_BACKUP_KEY',
  'METRICS_TOKEN',
]);

export type Env = z.infer<typeof schema>;

export interface Config {
  env: Env['NODE_ENV'];
  rootDir: string;
  dataDir: string;
  host: string;
  port: number;
  logLevel: Env['LOG_LEVEL'];
  database: {
    /** Owner/admin connection for migrations; undefined means embedded PostgreSQL. */
    url: string | undefined;
    appUrl: string | undefined;
    appPassword: string;
    embeddedPort: number;
  };
  temporal: {
    /** Undefined means the local dev server that claimflow starts. */
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    cliPath: string | undefined;
    port: number;
    uiPort: number;
    /** How long the API and CLI wait for Temporal before saying it cannot be reached (the worker's connection takes no deadline). */
    connectTimeout: string;
  };
  masterKey: string | undefined;
  anthropic: {
    apiKey: string | undefined;
    baseUrl: string | undefined;
    model: string;
    timeout: string;
  };
  otlpEndpoint: string | undefined;
  timers: {
    reviewTimeout: string;
    reviewReminderEvery: string;
    reviewEscalateAfter: string;
    followUpEvery: string;
    followUpLimit: number;
    /** Retry policy of the slow (external) activities: AI, packet, payer. Unset: retry without limit. */
    externalRetryMaxAttempts?: number;
    externalRetryInitial?: string;
  };
  /** A running workflow whose activity retries, or whose task waits, this long is listed as stuck. */
  stuckAfterMs: number;
  /** A prebuilt workflow bundle to replay histories against; undefined: this checkout's code, bundled on first use. */
  workflowBundle: string | undefined;
  backup: {
    dir: string;
    /** Base64 of 32 bytes; undefined outside production means the generated development key. */
    key: string | undefined;
    /** Five-field cron (UTC) of the daily schedule; undefined: no schedule. */
    cron: string | undefined;
    retainCount: number;
    retainDays: number;
    /** Where pg_dump and pg_restore live; undefined: PATH. */
    pgBinDir: string | undefined;
  };
  metrics: {
    /** When set, /metrics answers only `Authorization: Bearer <token>`. */
    token: string | undefined;
    /** The worker's own /metrics listener on HOST (0: none). */
    workerPort: number;
  };
  payer: { outboxDir: string; endpoint: string | undefined };
  auth: {
    idleTimeoutMs: number;
    absoluteTimeoutMs: number;
    lockoutThreshold: number;
    lockoutBaseMs: number;
    lockoutMaxMs: number;
    rateLimitPerMinute: number;
  };
  /** The largest 835 upload accepted (413 beyond). */
  uploadMaxBytes: number;
  /** Both set: the API serves HTTPS only (TLS 1.2 minimum). */
  tls: { certFile: string; keyFile: string } | undefined;
  /** Empty: CORS closed (no cross-origin caller is allowed). */
  corsOrigins: string[];
}

function ms(duration: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(duration)!;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    m[2] as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return Number(m[1]) * unit;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/** Where the Temporal frontend listens: TEMPORAL_ADDRESS, else the dev server's port on this host. */
export function temporalAddress(config: Config): string {
  return config.temporal.address ?? `127.0.0.1:${config.temporal.port}`;
}

export function loadConfig(rawEnv: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means unset (compose files and shells produce them).
  const env = Object.fromEntries(
    Object.entries(rawEnv).filter(([, v]) => v !== ''),
  ) as NodeJS.ProcessEnv;
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const got = SECRETS.has(name) || env[name] === undefined ? '' : ` (got "${env[name]}")`;
      return `${name}: ${issue.message}${got}`;
    });
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  if (Boolean(e.TLS_CERT_FILE) !== Boolean(e.TLS_KEY_FILE))
    throw new ConfigError(
      'invalid configuration: TLS_CERT_FILE and TLS_KEY_FILE must be set together',
    );
  if (ms(e.SESSION_IDLE_TIMEOUT) > ms(e.SESSION_ABSOLUTE_TIMEOUT))
    throw new ConfigError(
      'invalid configuration: SESSION_IDLE_TIMEOUT must not exceed SESSION_ABSOLUTE_TIMEOUT',
    );
  const rootDir =
    env.CLAIMFLOW_ROOT ??
    path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
  return {
    env: e.NODE_ENV,
    rootDir,
    dataDir: path.resolve(rootDir, e.CLAIMFLOW_DATA_DIR ?? '.data'),
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    database: {
      url: e.DATABASE_URL,
      appUrl: e.APP_DATABASE_URL,
      appPassword: e.APP_DATABASE_PASSWORD,
      embeddedPort: e.PG_PORT,
    },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      cliPath: e.TEMPORAL_CLI_PATH,
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      connectTimeout: e.TEMPORAL_CONNECT_TIMEOUT,
    },
    masterKey: e.CLAIMFLOW_MASTER_KEY,
    anthropic: {
      apiKey: e.ANTHROPIC_API_KEY,
      baseUrl: e.ANTHROPIC_BASE_URL,
      model: e.ANTHROPIC_MODEL,
      timeout: e.AI_TIMEOUT,
    },
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    timers: {
      reviewTimeout: e.REVIEW_TIMEOUT,
      reviewReminderEvery: e.REVIEW_REMINDER_EVERY,
      reviewEscalateAfter: e.REVIEW_ESCALATE_AFTER,
      followUpEvery: e.FOLLOW_UP_EVERY,
      followUpLimit: e.FOLLOW_UP_LIMIT,
      // Left out unless limited, so workflow inputs stay as they were.
      ...(e.EXTERNAL_RETRY_MAX_ATTEMPTS > 0
        ? {
            externalRetryMaxAttempts: e.EXTERNAL_RETRY_MAX_ATTEMPTS,
            externalRetryInitial: e.EXTERNAL_RETRY_INITIAL,
          }
        : {}),
    },
    stuckAfterMs: ms(e.WORKFLOW_STUCK_AFTER),
    workflowBundle: e.WORKFLOW_BUNDLE ? path.resolve(rootDir, e.WORKFLOW_BUNDLE) : undefined,
    backup: {
      dir: path.resolve(
        rootDir,
        e.BACKUP_DIR ?? path.join(e.CLAIMFLOW_DATA_DIR ?? '.data', 'backups'),
      ),
      key: e.CLAIMFLOW_BACKUP_KEY,
      cron: e.BACKUP_CRON === 'off' ? undefined : e.BACKUP_CRON,
      retainCount: e.BACKUP_RETAIN_COUNT,
      retainDays: e.BACKUP_RETAIN_DAYS,
      pgBinDir: e.PG_BIN_DIR ? path.resolve(rootDir, e.PG_BIN_DIR) : undefined,
    },
    metrics: { token: e.METRICS_TOKEN, workerPort: e.WORKER_METRICS_PORT },
    payer: {
      outboxDir: path.resolve(
        rootDir,
        e.PAYER_OUTBOX_DIR ?? path.join(e.CLAIMFLOW_DATA_DIR ?? '.data', 'outbox'),
      ),
      endpoint: e.PAYER_ENDPOINT,
    },
    auth: {
      idleTimeoutMs: ms(e.SESSION_IDLE_TIMEOUT),
      absoluteTimeoutMs: ms(e.SESSION_ABSOLUTE_TIMEOUT),
      lockoutThreshold: e.LOGIN_LOCKOUT_THRESHOLD,
      lockoutBaseMs: ms(e.LOGIN_LOCKOUT_BASE),
      lockoutMaxMs: ms(e.LOGIN_LOCKOUT_MAX),
      rateLimitPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
    },
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    tls:
      e.TLS_CERT_FILE && e.TLS_KEY_FILE
        ? {
            certFile: path.resolve(rootDir, e.TLS_CERT_FILE),
            keyFile: path.resolve(rootDir, e.TLS_KEY_FILE),
          }
        : undefined,
    corsOrigins: (e.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  };
}
