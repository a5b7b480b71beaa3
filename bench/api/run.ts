import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { sql } from 'kysely';
import * as OTPAuth from 'otpauth';
import { hashPassword } from '../../api/passwords';
import { createDatabase, type Database, withDatabaseName } from '../../db/database';
import { migrateToLatest } from '../../db/migrator';
import { TenantRepository } from '../../db/repositories/tenant.repository';
import { UserRepository } from '../../db/repositories/user.repository';
import { inTenant } from '../../db/unit-of-work';
import { loadConfig } from '../../ops/config';
import { ensureServices } from '../../ops/dev/stack';
import { ownerDatabaseUrl } from '../../ops/runtime';
import { startBenchApi } from './server';

/**
 * The review queue and claim search through the real API over HTTP, against
 * N claims spread over T tenants, with C concurrent clients on 127.0.0.1.
 *   node dist/bench/api/run.js [claims=1000000] [tenants=10] [clients=50] [seconds=15] [pool=20]
 */
const PASSWORD = 'bench-harbour-lantern-77';

/** User + system CPU of one process, in ms, from /proc/<pid>/stat. */
function processCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1000 / 100); // USER_HZ is 100 on Linux
}

/**
 * CPU time (user + system) of the PostgreSQL backends serving the bench's own
 * database, in ms: wall-clock figures swing with whatever else runs on the
 * machine; CPU per request does not.
 */
async function postgresCpuMs(admin: Database): Promise<number> {
  const { rows } = await sql<{ pid: number }>`
    SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`.execute(
    admin,
  );
  let total = 0;
  for (const { pid } of rows) {
    try {
      total += processCpuMs(pid);
    } catch {
      // the backend ended between the query and the read
    }
  }
  return total;
}

/** n more API processes on the same port, each with a pool of its own; resolves when all listen. */
async function startExtraApis(n: number, databaseUrl: string, port: number, poolSize: number) {
  const children = [];
  for (let i = 0; i < n; i++) {
    const child = spawn(
      process.execPath,
      [require.resolve('./server'), JSON.stringify({ databaseUrl, port, poolSize })],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`a bench API process exited ${code}`)));
    });
    children.push(child);
  }
  return children;
}

async function main(): Promise<void> {
  const [claims, tenants, clients, seconds, poolSize] = [1_000_000, 10, 50, 15, 20].map((d, i) =>
    Number(process.argv[2 + i] ?? d),
  ) as [number, number, number, number, number];
  const base = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
  await ensureServices(base, () => undefined);
  const benchDb = `claimflow_bench_api_${Date.now().toString(36)}`;
  const ownerUrl = withDatabaseName(ownerDatabaseUrl(base), benchDb);
  await migrateToLatest(ownerUrl, base.database.appPassword);
  const admin = createDatabase(ownerUrl, { max: 2 });

  const t0 = performance.now();
  const made = [];
  for (let i = 0; i < tenants; i++)
    made.push(await TenantRepository.create(admin, `bench-${i}`, `Bench ${i}`));
  const per = Math.ceil(claims / tenants);
  for (const t of made) {
    const fileId = crypto.randomUUID();
    await sql`INSERT INTO remittance_files (id, tenant_id, sha256, size_bytes, status)
      VALUES (${fileId}, ${t.id}, encode(sha256(${fileId}::bytea), 'hex'), 1, 'processed')`.execute(
      admin,
    );
    // Codes, amounts and states only; the PHI columns hold placeholder bytes (never read here).
    await sql`INSERT INTO claims (tenant_id, remittance_file_id, transaction_control_number, payer_key,
        payer_claim_control_number, patient_control_number_enc, patient_control_number_bidx, status_code,
        outcome, charge_cents, paid_cents, category, lifecycle_state, lifecycle_outcome, amount_at_stake_cents,
        appeal_deadline, priority_score)
      SELECT ${t.id}, ${fileId}, 'T' || (g % 100), 'payer-' || (g % 20), 'PCN' || g, '\\x00'::bytea,
        encode(sha256(('b' || g)::bytea), 'hex'), '4', 'denied', 20000, 0,
        (ARRAY['timely_filing','missing_information','medical_necessity','coding','eligibility'])[1 + (g / 20) % 5],
        CASE WHEN g % 20 = 0 THEN 'awaiting_review' ELSE 'closed' END,
        CASE WHEN g % 20 = 0 THEN NULL ELSE 'written_off' END,
        (g % 50000), current_date + (g % 120), g % 1000
      FROM generate_series(1, ${per}) g`.execute(admin);
    await sql`INSERT INTO review_tasks (tenant_id, claim_id, due_at, workflow_id)
      SELECT tenant_id, id, now() + ((priority_score % 30) || ' days')::interval, 'claim-' || id
      FROM claims WHERE tenant_id = ${t.id} AND lifecycle_state = 'awaiting_review'`.execute(admin);
  }
  // As a live database would be: vacuumed, so reads neither prune pages nor set hint bits, and no autovacuum runs during the measurement.
  await sql`VACUUM ANALYZE`.execute(admin);
  const seeded = (performance.now() - t0) / 1000;

  const bench = await startBenchApi(ownerUrl, 0, poolSize);
  const { runtime, port } = bench;
  const url = `http://127.0.0.1:${port}`;
  const extra = await startExtraApis(
    Number(process.env.BENCH_API_PROCESSES ?? 1) - 1,
    ownerUrl,
    port,
    poolSize,
  );

  // One reviewer per tenant, signed in through the API (password + TOTP).
  const hash = await hashPassword(PASSWORD);
  const tokens: string[] = [];
  for (const t of made) {
    const user = await inTenant(
      runtime.db,
      { tenantId: t.id, actor: 'system:bench' },
      async (tx) => {
        const users = new UserRepository(tx);
        const u = await users.create(
          t.id,
          { email: 'rev@bench.test', displayName: 'R', role: 'reviewer' },
          'system:bench',
        );
        await users.activate(u.id, hash, new Date());
        return u;
      },
    );
    const post = async (p: string, body: unknown, token?: string) =>
      (await (
        await fetch(`${url}${p}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(body),
        })
      ).json()) as Record<string, string>;
    const { token } = await post('/auth/login', {
      tenant: t.slug,
      email: user.email,
      password: PASSWORD,
    });
    const { secret } = await post('/auth/mfa/enrol', {}, token);
    await post(
      '/auth/mfa/verify',
      { code: OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(secret!) }) },
      token,
    );
    tokens.push(token!);
  }

  /** One route under load from a separate process (bench/api/load.ts), with the CPU each side spent. */
  async function load(name: string, path: string) {
    const api0 = process.cpuUsage();
    const extra0 = extra.reduce((sum, c) => sum + processCpuMs(c.pid!), 0);
    const pg0 = await postgresCpuMs(admin);
    const child = spawn(
      process.execPath,
      [
        require.resolve('./load'),
        JSON.stringify({ url: `${url}${path}`, tokens, connections: clients, seconds }),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`the load generator exited ${code}`);
    const api = process.cpuUsage(api0);
    const extraMs = extra.reduce((sum, c) => sum + processCpuMs(c.pid!), 0) - extra0;
    const pgMs = (await postgresCpuMs(admin)) - pg0;
    const { loadCpuMs, ...r } = JSON.parse(out) as { requests: number; loadCpuMs: number } & Record<
      string,
      number
    >;
    const perRequest = (ms: number) => Number(((ms * 1000) / r.requests).toFixed(0));
    return {
      name,
      path,
      ...r,
      apiCpuUsPerRequest: perRequest((api.user + api.system) / 1000 + extraMs),
      apiSystemCpuUsPerRequest: perRequest(api.system / 1000),
      postgresCpuUsPerRequest: perRequest(pgMs),
      loadGeneratorCpuUsPerRequest: perRequest(loadCpuMs),
    };
  }

  const results = [];
  // Warm-up, then the measured runs.
  await load('warm-up', '/review-tasks/mine?limit=50');
  results.push(await load('review queue (mine)', '/review-tasks/mine?limit=50'));
  results.push(await load('review queue (team)', '/review-tasks/team?limit=50'));
  results.push(
    await load(
      'claim search',
      '/claims?status=awaiting_review&category=coding&minAmountCents=1000&limit=50',
    ),
  );
  process.stdout.write(
    `${JSON.stringify({ database: benchDb, claims: per * tenants, tenants, clients, seconds, poolSize, apiProcesses: extra.length + 1, seedSeconds: Math.round(seeded), results }, null, 2)}\n`,
  );
  for (const c of extra) c.kill();
  await bench.close();
  await admin.destroy();
  // A million claims take gigabytes: the database goes when the figures are out,
  // unless BENCH_KEEP_DB=1 keeps it to look into (its name is in the output).
  if (process.env.BENCH_KEEP_DB === '1') return;
  const server = createDatabase(ownerDatabaseUrl(base), { max: 1 });
  await sql.raw(`DROP DATABASE ${benchDb} WITH (FORCE)`).execute(server);
  await server.destroy();
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).message}\n`);
  process.exit(1);
});
