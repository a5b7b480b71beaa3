import { createHash, randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { createDatabase, type Database } from '../db/database';
import { RemittanceRepository } from '../db/repositories/remittance.repository';
import { TenantRepository } from '../db/repositories/tenant.repository';
import { inTenant } from '../db/unit-of-work';
import type { Config } from '../ops/config';
import { createRuntime, type Runtime } from '../ops/runtime';
import { testConfig } from '../test/harness';
import { remitForMany, uniquePatient } from '../test/synthetic-remit';
import { createAnalyzer } from './ai/analyzer';
import { createIngestActivities } from './ingest.activities';
import { OutboxAdapter } from './payer/outbox.adapter';
import { createPreparationActivities } from './preparation.activities';

/**
 * The one-step preparation on the real database, called as the worker calls
 * it: claims are stored by the ingest activity itself, and no lifecycle runs,
 * so each call here is the only one touching its claim.
 */
describe('preparing a claim for review in one step', () => {
  let config: Config;
  let runtime: Runtime;
  let ownerDb: Database;
  let tenantId: string;
  const deps = () => ({
    db: runtime.db,
    cipher: runtime.cipher,
    payer: new OutboxAdapter(config.payer.outboxDir),
  });
  const rules = () => createPreparationActivities({ ...deps(), analyzer: createAnalyzer({}) });
  // Configured but never reached: the one step stops before any model call.
  const withModel = () =>
    createPreparationActivities({
      ...deps(),
      analyzer: createAnalyzer({ apiKey: 'sk-never-used', baseUrl: 'http://127.0.0.1:9' }),
    });

  beforeAll(async () => {
    config = testConfig();
    runtime = createRuntime(config, { poolSize: 3 });
    ownerDb = createDatabase(config.database.url!, { max: 2 });
    tenantId = (await TenantRepository.create(ownerDb, `prep-${Date.now()}`, 'Prep')).id;
  });
  afterAll(async () => {
    await runtime?.close();
    await ownerDb?.destroy();
  });

  /** Stores an 835 of one claim per patient through the ingest activity, starting nothing. */
  async function storedClaim(chargeCents = 20_000): Promise<string> {
    const fileId = randomUUID();
    const content = Buffer.from(remitForMany([uniquePatient()], 'denied', chargeCents));
    const contentEnc = await runtime.cipher.encrypt(content, {
      tenantId,
      column: 'remittance_file_contents.content_enc',
      rowId: fileId,
    });
    await inTenant(runtime.db, { tenantId, actor: 'test' }, (tx) =>
      new RemittanceRepository(tx).createOrGet({
        id: fileId,
        tenantId,
        sha256: createHash('sha256').update(content).digest('hex'),
        sizeBytes: content.length,
        originalNameEnc: null,
        contentEnc,
      }),
    );
    const ingest = createIngestActivities({ ...deps(), timers: config.timers });
    await ingest.storeRemittance({ tenantId, fileId });
    const row = await ownerDb
      .selectFrom('claims')
      .select('id')
      .where('remittance_file_id', '=', fileId)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  const input = (claimId: string) => ({
    tenantId,
    claimId,
    workflowId: `claim-${claimId}`,
    level: null,
    reviewTimeout: '30d',
  });

  async function written(claimId: string) {
    const count = async (table: 'denial_analyses' | 'appeals' | 'review_tasks') =>
      (await ownerDb.selectFrom(table).select('id').where('claim_id', '=', claimId).execute())
        .length;
    const events = await ownerDb
      .selectFrom('audit_events')
      .select(['action', 'seq'])
      .where('claim_id', '=', claimId)
      .orderBy('seq')
      .execute();
    const claim = await ownerDb
      .selectFrom('claims')
      .select(['lifecycle_state', 'lifecycle_outcome'])
      .where('id', '=', claimId)
      .executeTakeFirstOrThrow();
    return {
      actions: events.map((e) => e.action),
      seqs: events.map((e) => Number(e.seq)),
      analyses: await count('denial_analyses'),
      appeals: await count('appeals'),
      tasks: await count('review_tasks'),
      claim,
    };
  }

  it('triages, analyses, drafts and opens the review task, writing the four audit events together', async () => {
    const claimId = await storedClaim();
    const prepared = await rules().prepareClaim(input(claimId));
    expect(prepared).toMatchObject({
      triage: { category: 'medical_necessity', recommendedAction: 'appeal' },
      analysis: { source: 'rules', fallbackReason: 'no_api_key' },
      appealId: expect.any(String),
      task: { taskId: expect.any(String), waitMs: expect.any(Number) },
    });
    expect(prepared.closed).toBeUndefined();
    const w = await written(claimId);
    expect(w.actions).toEqual(['claim.triage', 'ai.analyze', 'appeal.draft', 'review_task.open']);
    // One transaction: consecutive links of the tenant's chain.
    expect(w.seqs).toEqual([w.seqs[0], w.seqs[0]! + 1, w.seqs[0]! + 2, w.seqs[0]! + 3]);
    expect(w).toMatchObject({ analyses: 2, appeals: 1, tasks: 1 });
    expect(w.claim).toEqual({ lifecycle_state: 'awaiting_review', lifecycle_outcome: null });
  });

  it('answers a retry of a committed preparation with the same appeal and task, writing nothing twice', async () => {
    const claimId = await storedClaim();
    const first = await rules().prepareClaim(input(claimId));
    const before = await written(claimId);
    const again = await rules().prepareClaim(input(claimId));
    expect(again.appealId).toBe(first.appealId);
    expect(again.task?.taskId).toBe(first.task?.taskId);
    expect(again.analysis).toEqual(first.analysis);
    expect(await written(claimId)).toEqual(before);
  });

  it('closes a claim the rules write off in the same transaction, and a retry closes nothing twice', async () => {
    // $20 denied: under the $25 write-off threshold.
    const claimId = await storedClaim(2_000);
    const prepared = await rules().prepareClaim(input(claimId));
    expect(prepared).toMatchObject({
      triage: { recommendedAction: 'write_off' },
      closed: 'written_off',
    });
    expect(prepared.appealId).toBeUndefined();
    const w = await written(claimId);
    expect(w.actions).toEqual(['claim.triage', 'claim.close']);
    expect(w.claim).toEqual({ lifecycle_state: 'closed', lifecycle_outcome: 'written_off' });
    expect(await rules().prepareClaim(input(claimId))).toEqual(prepared);
    expect(await written(claimId)).toEqual(w);
  });

  it('stops after triage when a model is configured, leaving the analysis to its own activity', async () => {
    const claimId = await storedClaim();
    const prepared = await withModel().prepareClaim(input(claimId));
    expect(Object.keys(prepared)).toEqual(['triage']);
    const w = await written(claimId);
    expect(w.actions).toEqual(['claim.triage']);
    expect(w).toMatchObject({ analyses: 1, appeals: 0, tasks: 0 });
    expect(w.claim.lifecycle_state).toBe('triage');
    expect(Object.keys(await withModel().prepareClaim(input(claimId)))).toEqual(['triage']);
    expect(await written(claimId)).toEqual(w);
  });

  it('refuses, without retrying, a claim whose lifecycle is past its preparation', async () => {
    const claimId = await storedClaim();
    await rules().prepareClaim(input(claimId));
    await ownerDb
      .updateTable('claims')
      .set({ lifecycle_state: 'awaiting_outcome' })
      .where('id', '=', claimId)
      .execute();
    const before = await written(claimId);
    const err = await rules()
      .prepareClaim(input(claimId))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'InvalidInput', nonRetryable: true });
    expect((err as Error).message).toMatch(/is awaiting_outcome, not where its preparation/);
    expect(await written(claimId)).toEqual(before);
  });

  it('refuses, without retrying, a claim that does not exist', async () => {
    const err = await rules()
      .prepareClaim(input(randomUUID()))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'NotFound', nonRetryable: true });
  });
});
