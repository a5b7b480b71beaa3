import * as os from 'node:os';
import * as readline from 'node:readline';
import { parseArgs } from 'node:util';
import { createDatabase } from '../../db/database';
import { TenantRepository } from '../../db/repositories/tenant.repository';
import { durationMs } from '../../workflows/durations';
import type { Config } from '../config';
import { createRuntime, ownerDatabaseUrl } from '../runtime';
import { connectTemporal } from '../temporal/client';
import {
  createWorkflowOps,
  type OpsCaller,
  type ResetTarget,
  type WorkflowOps,
} from '../temporal/workflow-ops';
import {
  WORKFLOW_TYPES,
  type ProblemWorkflow,
  type WorkflowType,
} from '../temporal/workflow-problems';
import { WorkflowReplayer } from '../temporal/workflow-replay';
import { installTemporalRuntime } from '../telemetry/temporal-runtime';
import { createDataConverter } from '../temporal/data-converter';
import { outageOf } from '../../api/error.filter';
import { UsageError, type Command, type CommandContext } from './command';

class NotFoundError extends Error {
  readonly code = 'NOT_FOUND';
}

const DAY = 86_400_000;

/** `--since` as an ISO time or a duration back from now (24h, 7d). */
function sinceOf(value: string | undefined): Date {
  if (!value) return new Date(Date.now() - 7 * DAY);
  if (/^\d+(ms|s|m|h|d)$/.test(value)) return new Date(Date.now() - durationMs(value));
  const d = new Date(value);
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value))
    throw new UsageError(`--since: "${value}" is neither an ISO time nor a duration like 24h`);
  return d;
}

function typeOf(value: string | undefined): WorkflowType | undefined {
  if (value === undefined) return undefined;
  if (!(WORKFLOW_TYPES as readonly string[]).includes(value))
    throw new UsageError(`--type: one of ${WORKFLOW_TYPES.join(', ')}`);
  return value as WorkflowType;
}

function reasonOf(value: string | undefined): string {
  const r = value?.trim() ?? '';
  if (r.length < 3 || r.length > 200)
    throw new UsageError('--reason is required: say why, in 3 to 200 characters');
  return r;
}

/** Every workflow command runs with a Temporal client, the app role's database (for audit) and a scope. */
async function withOps<T>(
  config: Config,
  tenantSlug: string | undefined,
  work: (ops: WorkflowOps, who: OpsCaller) => Promise<T>,
): Promise<T> {
  let tenantId: string | undefined;
  if (tenantSlug) {
    const owner = createDatabase(ownerDatabaseUrl(config), { max: 1 });
    try {
      const tenant = await TenantRepository.findBySlugUnscoped(owner, tenantSlug);
      if (!tenant) throw new NotFoundError(`no tenant with slug "${tenantSlug}"`);
      tenantId = tenant.id;
    } finally {
      await owner.destroy();
    }
  }
  const runtime = createRuntime(config, { poolSize: 2 });
  const { client, connection } = await connectTemporal(config);
  try {
    const who: OpsCaller = {
      ...(tenantId ? { tenantId } : {}),
      // The operator's login: what an auditor can trace back to a person.
      actor: `cli:${os.userInfo().username}`,
      role: 'ops',
    };
    return await work(createWorkflowOps(config, client, runtime.db), who);
  } finally {
    await connection.close();
    await runtime.close();
  }
}

function formatProblem(p: ProblemWorkflow): string {
  return [
    p.status.padEnd(10),
    p.type.padEnd(16),
    p.workflowId.padEnd(44),
    (p.claimState ?? '-').padEnd(16),
    p.since,
    `  ${p.reason}`,
  ].join(' ');
}

/** Asks on stdin; only "yes" goes ahead. A script passes --yes instead. */
async function confirmed(ctx: CommandContext, question: string): Promise<boolean> {
  ctx.stderr.write(`${question} Type "yes" to go ahead: `);
  const rl = readline.createInterface({ input: ctx.stdin, terminal: false });
  const answer = await new Promise<string>((resolve) => {
    rl.once('line', (line) => resolve(line.trim()));
    rl.once('close', () => resolve(''));
  });
  rl.close();
  return answer === 'yes';
}

const BATCH_OPTIONS = {
  tenant: { type: 'string' },
  'all-failed': { type: 'boolean' },
  since: { type: 'string' },
  type: { type: 'string' },
  reason: { type: 'string' },
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** The workflows a batch names: the ids given, or every failed (not stuck) one of the scope. */
async function targetsOf(
  ops: WorkflowOps,
  who: OpsCaller,
  ids: string[],
  values: { 'all-failed'?: boolean; since?: string; type?: string },
): Promise<string[]> {
  if (ids.length && values['all-failed'])
    throw new UsageError('name workflow ids or --all-failed, not both');
  if (ids.length) return ids;
  if (!values['all-failed']) throw new UsageError('name one or more workflow ids, or --all-failed');
  const type = typeOf(values.type);
  const found = await ops.failed(who, { since: sinceOf(values.since), ...(type ? { type } : {}) });
  return found.filter((p) => p.status !== 'STUCK').map((p) => p.workflowId);
}

/** Why one workflow's plan or action failed, in a line: an outage says so, not its gRPC text. */
function failureText(err: unknown): string {
  const outage = outageOf(err);
  if (outage)
    return `the ${outage} cannot be reached; nothing was done to this workflow, retry when it is back`;
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}

/**
 * Plans every target first (a dry run stops there), asks once for a batch,
 * then acts; one line per workflow, and exit 1 when any action failed.
 */
async function batch(
  ctx: CommandContext,
  verb: 'retry' | 'reset',
  targets: string[],
  values: { 'dry-run'?: boolean; yes?: boolean; json?: boolean; 'all-failed'?: boolean },
  plan: (id: string) => Promise<object>,
  act: (id: string) => Promise<{ workflowId: string; runId: string }>,
): Promise<number> {
  if (targets.length === 0) {
    ctx.log(`nothing to ${verb}`);
    return 0;
  }
  const plans: { id: string; plan?: object; error?: string }[] = [];
  for (const id of targets) {
    try {
      plans.push({ id, plan: await plan(id) });
    } catch (err) {
      plans.push({ id, error: failureText(err) });
    }
  }
  for (const p of plans)
    ctx.stdout.write(
      `${values.json ? JSON.stringify(p) : `${p.error ? 'SKIP' : 'PLAN'}  ${p.id}  ${p.error ?? JSON.stringify(p.plan)}`}\n`,
    );
  const doable = plans.filter((p) => !p.error);
  if (values['dry-run']) {
    ctx.log(`dry run: ${doable.length} of ${plans.length} would ${verb}; nothing done`);
    return 0;
  }
  if (
    (targets.length > 1 || values['all-failed']) &&
    !values.yes &&
    !(await confirmed(ctx, `${verb} ${doable.length} workflows?`))
  ) {
    ctx.log('not confirmed; nothing done');
    return 1;
  }
  let failures = plans.length - doable.length;
  for (const p of doable) {
    try {
      const r = await act(p.id);
      ctx.stdout.write(
        `${values.json ? JSON.stringify({ ok: true, ...r }) : `OK    ${r.workflowId}  run ${r.runId}`}\n`,
      );
    } catch (err) {
      failures++;
      ctx.stdout.write(
        `${values.json ? JSON.stringify({ ok: false, workflowId: p.id, error: failureText(err) }) : `FAIL  ${p.id}  ${failureText(err)}`}\n`,
      );
    }
  }
  return failures ? 1 : 0;
}

export const workflowsCommands: Command[] = [
  {
    name: 'workflows failed',
    usage:
      'workflows failed [--since 24h|<ISO>] [--type T] [--tenant <slug>] [--json]   failed, timed out, terminated and stuck workflows, with why',
    async run(args, ctx) {
      const { values } = parseArgs({
        args,
        options: {
          since: { type: 'string' },
          type: { type: 'string' },
          tenant: { type: 'string' },
          json: { type: 'boolean' },
        },
      });
      const since = sinceOf(values.since);
      const type = typeOf(values.type);
      return withOps(ctx.config(), values.tenant, async (ops, who) => {
        const found = await ops.failed(who, { since, ...(type ? { type } : {}) });
        if (values.json) ctx.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
        else for (const p of found) ctx.stdout.write(`${formatProblem(p)}\n`);
        ctx.log(
          `${found.length} workflows need attention (closed since ${since.toISOString()}, or stuck now)`,
        );
        return 0;
      });
    },
  },
  {
    name: 'workflows counts',
    usage: 'workflows counts [--tenant <slug>]   claim workflows by state, all by status (JSON)',
    async run(args, ctx) {
      const { values } = parseArgs({ args, options: { tenant: { type: 'string' } } });
      return withOps(ctx.config(), values.tenant, async (ops, who) => {
        ctx.stdout.write(`${JSON.stringify(await ops.counts(who), null, 2)}\n`);
        return 0;
      });
    },
  },
  {
    name: 'workflows replay',
    usage:
      'workflows replay <id>... | --all-failed | --sample N [--bundle F] [--tenant <slug>] [--json]   exit 1 if any would hit a non-determinism error',
    async run(args, ctx) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: {
          'all-failed': { type: 'boolean' },
          sample: { type: 'string' },
          since: { type: 'string' },
          bundle: { type: 'string' },
          tenant: { type: 'string' },
          json: { type: 'boolean' },
        },
      });
      const sample = values.sample === undefined ? undefined : Number(values.sample);
      if (sample !== undefined && (!Number.isInteger(sample) || sample < 1 || sample > 1000))
        throw new UsageError('--sample must be an integer from 1 to 1000');
      if (!positionals.length && !values['all-failed'] && !sample)
        throw new UsageError('name workflow ids, --all-failed or --sample N');
      const config = ctx.config();
      // The SDK's own logs (a determinism violation is one) go to stderr; stdout is the report.
      installTemporalRuntime(config, 'cli');
      return withOps(config, values.tenant, async (ops, who) => {
        const replayer = values.bundle
          ? new WorkflowReplayer(createDataConverter(config), values.bundle)
          : undefined;
        const results = await ops.replay(
          who,
          {
            workflowIds: positionals,
            ...(values['all-failed'] ? { allFailed: true, since: sinceOf(values.since) } : {}),
            ...(sample ? { sample } : {}),
          },
          replayer,
        );
        for (const r of results)
          ctx.stdout.write(
            `${values.json ? JSON.stringify(r) : `${r.ok ? 'ok  ' : 'FAIL'}  ${r.workflowId}  run ${r.runId}${r.error ? `  ${r.error}` : ''}`}\n`,
          );
        const bad = results.filter((r) => !r.ok);
        ctx.log(
          `${results.length} histories replayed, ${bad.length} failed${bad.some((r) => r.nondeterministic) ? ' (non-determinism: do not deploy this code as is)' : ''}`,
        );
        return bad.length ? 1 : 0;
      });
    },
  },
  {
    name: 'workflows retry',
    usage:
      'workflows retry <id>... | --all-failed --reason R [--dry-run] [--yes] [--since] [--type] [--tenant <slug>]',
    async run(args, ctx) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: BATCH_OPTIONS,
      });
      const reason = values['dry-run'] ? (values.reason ?? 'dry run') : reasonOf(values.reason);
      return withOps(ctx.config(), values.tenant, async (ops, who) => {
        const targets = await targetsOf(ops, who, positionals, values);
        return batch(
          ctx,
          'retry',
          targets,
          values,
          (id) => ops.planRetry(who, id),
          (id) => ops.retry(who, id, reason),
        );
      });
    },
  },
  {
    name: 'workflows reset',
    usage:
      'workflows reset <id>... | --all-failed --to last-good|<eventId> --reason R [--dry-run] [--yes] [--tenant <slug>]',
    async run(args, ctx) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { ...BATCH_OPTIONS, to: { type: 'string' } },
      });
      if (!values.to) throw new UsageError('--to last-good or --to <eventId> is required');
      const to: ResetTarget = values.to === 'last-good' ? 'last-good' : Number(values.to);
      if (to !== 'last-good' && (!Number.isInteger(to) || to < 1))
        throw new UsageError('--to: last-good or the id of a completed workflow task event');
      const reason = values['dry-run'] ? (values.reason ?? 'dry run') : reasonOf(values.reason);
      return withOps(ctx.config(), values.tenant, async (ops, who) => {
        const targets = await targetsOf(ops, who, positionals, values);
        return batch(
          ctx,
          'reset',
          targets,
          values,
          async (id) => {
            const p = await ops.planReset(who, id, to);
            return {
              workflowId: p.workflowId,
              runId: p.runId,
              status: p.status,
              eventId: p.eventId,
            };
          },
          (id) => ops.reset(who, id, to, reason),
        );
      });
    },
  },
];
