import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { createDatabase } from '../../db/database';
import { migrateDown, migrateToLatest, migrationStatus } from '../../db/migrator';
import { TenantRepository } from '../../db/repositories/tenant.repository';
import { x12Command } from '../../x12/cli';
import { loadConfig, type Config } from '../config';
import { ensurePostgres } from '../dev/postgres';
import { devDown, devUp, ensureServices } from '../dev/stack';
import { ownerDatabaseUrl } from '../runtime';
import { doctor, formatDoctor } from './doctor';
import { reportFatal } from './report';

const USAGE = `usage: bin/claimflow <command>

  dev up                         start PostgreSQL, Temporal, worker and API (Ctrl-C stops them)
  dev down                       stop everything claimflow started
  services up                    start (or reuse) PostgreSQL and Temporal only, and migrate
  db migrate [--down]            apply pending migrations (or revert the last one)
  db status                      list migrations and whether they ran
  doctor                         show what is present, missing or misconfigured
  tenant create <slug> [--name N]
  x12 parse <file|-> [--strict]  print an 835 as JSON
  x12 validate <file>            print each problem on its own line
  test                           lint, typecheck and every test`;

class UsageError extends Error {
  readonly code = 'USAGE';
}

const log = (line: string) => process.stderr.write(`claimflow: ${line}\n`);

function run(cmd: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): number {
  log(`$ ${cmd} ${args.join(' ')}`);
  return spawnSync(cmd, args, { cwd, stdio: 'inherit', env: env ?? process.env }).status ?? 1;
}

/** README command 2: the same provisioning as dev up, then every check. */
function runTests(config: Config, extra: string[]): number {
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
    if (run(cmd, args, config.rootDir, env) !== 0) failed.push(name);
  }
  log(failed.length ? `FAILED: ${failed.join(', ')}` : 'all checks passed');
  // The plain closing line CI reads, since Jest's own summary is not one it knows.
  try {
    const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as Record<string, number>;
    process.stdout.write(
      `jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped\n`,
    );
  } catch {
    process.stdout.write('jest: 0 passed, 1 failed\n');
  }
  return failed.length ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const [group, action, ...rest] = argv;
  if (!group || group === 'help' || group === '--help' || group === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return group ? 0 : 2;
  }
  if (group === 'x12') {
    return x12Command(
      [action ?? '', ...rest].filter((a, i) => i > 0 || a !== ''),
      {
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
      },
    );
  }
  const config = loadConfig();
  switch (`${group} ${action ?? ''}`.trim()) {
    case 'dev up':
      await devUp(config, log);
      return -1; // keeps running until a signal
    case 'dev down':
      await devDown(config, log);
      return 0;
    case 'services up':
      await ensureServices(config, log);
      return 0;
    case 'db migrate': {
      const { values } = parseArgs({ args: rest, options: { down: { type: 'boolean' } } });
      await ensurePostgres(config);
      const names = values.down
        ? await migrateDown(ownerDatabaseUrl(config))
        : await migrateToLatest(ownerDatabaseUrl(config), config.database.appPassword);
      log(
        names.length
          ? `${values.down ? 'reverted' : 'applied'}: ${names.join(', ')}`
          : 'nothing to do',
      );
      return 0;
    }
    case 'db status': {
      for (const m of await migrationStatus(ownerDatabaseUrl(config))) {
        process.stdout.write(
          `${m.executedAt ? m.executedAt.toISOString() : 'pending                 '}  ${m.name}\n`,
        );
      }
      return 0;
    }
    case 'doctor': {
      const { lines, healthy } = await doctor(config);
      process.stdout.write(`${formatDoctor(lines)}\n`);
      return healthy ? 0 : 1;
    }
    case 'tenant create': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { name: { type: 'string' } },
      });
      const slug = positionals[0];
      if (!slug) throw new UsageError('tenant create needs a slug');
      const db = createDatabase(ownerDatabaseUrl(config), { max: 1 });
      try {
        const tenant = await TenantRepository.create(db, slug, values.name ?? slug);
        process.stdout.write(
          `${JSON.stringify({ id: tenant.id, slug: tenant.slug, name: tenant.name })}\n`,
        );
      } finally {
        await db.destroy();
      }
      return 0;
    }
    case 'test':
      return runTests(config, rest);
    default:
      if (group === 'test') return runTests(config, [action ?? '', ...rest].filter(Boolean));
      throw new UsageError(`unknown command "${argv.join(' ')}"\n${USAGE}`);
  }
}

main(process.argv.slice(2))
  .then((code) => {
    if (code >= 0) process.exit(code);
  })
  .catch((err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`claimflow: ${err.message}\n`);
      process.exit(2);
    }
    reportFatal('cli')(err);
  });
