import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { createDatabase } from '../../db/database';
import { migrateDown, migrateToLatest, migrationStatus } from '../../db/migrator';
import { TenantRepository } from '../../db/repositories/tenant.repository';
import type { Config } from '../config';
import { ensurePostgres } from '../dev/postgres';
import { devDown, devUp, ensureServices } from '../dev/stack';
import { ownerDatabaseUrl } from '../runtime';
import { UsageError, type Command } from './command';
import { doctor, formatDoctor } from './doctor';

/** README command 2: the same provisioning as dev up, then every check. */
function runTests(config: Config, extra: string[], log: (line: string) => void): number {
  const bin = (name: string) => path.join(config.rootDir, 'node_modules', '.bin', name);
  const env = { ...process.env, NODE_ENV: 'test' };
  const resultsFile = path.join(config.rootDir, 'test-results', 'jest.json');
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.rmSync(resultsFile, { force: true });
  const steps: [string, string, string[]][] = [
    ['lint', bin('eslint'), ['.', '--max-warnings=0']],
    ['format', bin('prettier'), ['--check', '.', '--log-level=warn']],
    ['typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
    ['jest', bin('jest'), ['--ci', '--json', `--outputFile=${resultsFile}`, ...extra]],
  ];
  const failed: string[] = [];
  for (const [name, cmd, args] of steps) {
    log(`$ ${path.basename(cmd)} ${args.join(' ')}`);
    const status = spawnSync(cmd, args, { cwd: config.rootDir, stdio: 'inherit', env }).status ?? 1;
    if (status !== 0) failed.push(name);
  }
  log(failed.length ? `FAILED: ${failed.join(', ')}` : 'all checks passed');
  // The plain closing line CI reads, since Jest's own summary is not one it knows.
  try {
    const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as Record<string, number>;
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    process.stdout.write(
      `jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped\n`,
    );
  } catch {
    process.stdout.write('jest: 0 passed, 1 failed\n');
  }
  return failed.length ? 1 : 0;
}

export const stackCommands: Command[] = [
  {
    name: 'dev up',
    usage:
      'dev up                         start PostgreSQL, Temporal, worker and API (Ctrl-C stops them)',
    async run(_args, ctx) {
      await devUp(ctx.config(), ctx.log);
      return -1;
    },
  },
  {
    name: 'dev down',
    usage: 'dev down                       stop everything claimflow started',
    async run(_args, ctx) {
      await devDown(ctx.config(), ctx.log);
      return 0;
    },
  },
  {
    name: 'services up',
    usage:
      'services up                    start (or reuse) PostgreSQL and Temporal only, and migrate',
    async run(_args, ctx) {
      await ensureServices(ctx.config(), ctx.log);
      return 0;
    },
  },
  {
    name: 'db migrate',
    usage: 'db migrate [--down]            apply pending migrations (or revert the last one)',
    async run(args, ctx) {
      const { values } = parseArgs({ args, options: { down: { type: 'boolean' } } });
      const config = ctx.config();
      await ensurePostgres(config);
      const names = values.down
        ? await migrateDown(ownerDatabaseUrl(config))
        : await migrateToLatest(ownerDatabaseUrl(config), config.database.appPassword);
      ctx.log(
        names.length
          ? `${values.down ? 'reverted' : 'applied'}: ${names.join(', ')}`
          : 'nothing to do',
      );
      return 0;
    },
  },
  {
    name: 'db status',
    usage: 'db status                      list migrations and whether they ran',
    async run(_args, ctx) {
      for (const m of await migrationStatus(ownerDatabaseUrl(ctx.config()))) {
        ctx.stdout.write(
          `${m.executedAt ? m.executedAt.toISOString() : 'pending'.padEnd(24)}  ${m.name}\n`,
        );
      }
      return 0;
    },
  },
  {
    name: 'doctor',
    usage: 'doctor                         show what is present, missing or misconfigured',
    async run(_args, ctx) {
      const { lines, healthy } = await doctor(ctx.config());
      ctx.stdout.write(`${formatDoctor(lines)}\n`);
      return healthy ? 0 : 1;
    },
  },
  {
    name: 'tenant create',
    usage: 'tenant create <slug> [--name N]',
    async run(args, ctx) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { name: { type: 'string' } },
      });
      const slug = positionals[0];
      if (!slug) throw new UsageError('tenant create needs a slug');
      const db = createDatabase(ownerDatabaseUrl(ctx.config()), { max: 1 });
      try {
        const tenant = await TenantRepository.create(db, slug, values.name ?? slug);
        ctx.stdout.write(
          `${JSON.stringify({ id: tenant.id, slug: tenant.slug, name: tenant.name })}\n`,
        );
      } finally {
        await db.destroy();
      }
      return 0;
    },
  },
  {
    name: 'test',
    usage: 'test [jest args]               lint, typecheck and every test',
    async run(args, ctx) {
      return runTests(ctx.config(), args, ctx.log);
    },
  },
];
