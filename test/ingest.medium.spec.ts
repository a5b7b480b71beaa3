import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RemittancesService } from '../api/remittances.service';
import type { IngestRemittanceResult } from '../workflows/contracts';
import { claimWorkflowId, ingestWorkflowId } from '../workflows/contracts';
import { FIXTURES, startStack, type TestStack } from './harness';
import { remitForMany, uniquePatient } from './synthetic-remit';

describe('ingesting remittances', () => {
  let stack: TestStack;
  let service: RemittancesService;
  beforeAll(async () => {
    stack = await startStack();
    service = new RemittancesService(stack.runtime, stack.temporal, stack.config);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const actor = (tenantId: string) => ({ tenantId, actor: 'test:ingest', requestId: '' });

  it('pages the lifecycles it starts and continues as new, starting each exactly once', async () => {
    const tenantId = (await stack.newTenant()).id;
    const patients = Array.from({ length: 23 }, () => uniquePatient());
    const content = Buffer.from(remitForMany(patients, 'denied'));
    // Stored through the service, then a second ingestion run with tiny pages: it must find the
    // same claims already stored and start nothing twice.
    const file = await service.upload(actor(tenantId), content, 'many.835');
    const first = (await stack.temporal.workflow
      .getHandle(file.workflowId)
      .result()) as IngestRemittanceResult;
    expect(first).toMatchObject({ status: 'processed', claims: 23, lifecyclesStarted: 23 });

    const again = await stack.temporal.workflow.start('ingestRemittance', {
      workflowId: `${ingestWorkflowId(file.id)}-paged-${randomUUID().slice(0, 6)}`,
      taskQueue: stack.config.temporal.taskQueue,
      args: [{ tenantId, fileId: file.id, pageSize: 5, pagesPerRun: 2 }],
    });
    const paged = (await again.result()) as IngestRemittanceResult;
    expect(paged).toMatchObject({ status: 'processed', claims: 23, lifecyclesStarted: 23 });
    // 23 claims in pages of 5, two pages a run: three runs continued as new before the last.
    const { count } = await stack.temporal.workflow.count(
      `WorkflowId = '${again.workflowId}' AND ExecutionStatus = 'ContinuedAsNew'`,
    );
    expect(count).toBe(2);

    const claims = await stack.ownerDb
      .selectFrom('claims')
      .select(['id', 'workflow_id'])
      .where('remittance_file_id', '=', file.id)
      .execute();
    expect(claims).toHaveLength(23);
    for (const c of claims) expect(c.workflow_id).toBe(claimWorkflowId(c.id));
    const runs = await stack.temporal.workflow.count(
      `WorkflowType = 'claimLifecycle' AND TenantId = '${tenantId}'`,
    );
    expect(runs.count).toBe(23);
  });

  it('quarantines a file that is not an 835 with a positioned reason and stores no claim', async () => {
    const tenantId = (await stack.newTenant()).id;
    const file = await service.upload(
      actor(tenantId),
      Buffer.from('this is not an 835 at all\n'),
      'junk.txt',
    );
    const result = (await stack.temporal.workflow
      .getHandle(file.workflowId)
      .result()) as IngestRemittanceResult;
    expect(result.status).toBe('quarantined');
    expect(result.quarantineReason).toMatch(/^[A-Z0-9_]+ at segment \d+/);
    const row = await stack.ownerDb
      .selectFrom('remittance_files')
      .select(['status', 'quarantine_reason'])
      .where('id', '=', file.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'quarantined', quarantine_reason: result.quarantineReason });
    const claims = await stack.ownerDb
      .selectFrom('claims')
      .select('id')
      .where('remittance_file_id', '=', file.id)
      .execute();
    expect(claims).toEqual([]);
  });

  it('keeps the good transaction of a file whose other transaction is broken', async () => {
    const tenantId = (await stack.newTenant()).id;
    const good = uniquePatient();
    const bad = uniquePatient();
    // Two interchanges in one file; the first transaction's SE01 is made wrong, so it is unusable.
    const broken = remitForMany([bad], 'denied').replace(
      /SE\*(\d+)\*/,
      (_m, n: string) => `SE*${Number(n) + 5}*`,
    );
    const text = broken + remitForMany([good], 'denied');
    const file = await service.upload(actor(tenantId), Buffer.from(text), 'mixed.835');
    const result = (await stack.temporal.workflow
      .getHandle(file.workflowId)
      .result()) as IngestRemittanceResult;
    expect(result).toMatchObject({ status: 'processed', claims: 1, lifecyclesStarted: 1 });
    const events = await stack.ownerDb
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('resource_id', '=', file.id)
      .where('action', '=', 'remittance.ingest')
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]!.details).toMatchObject({ claims: 1, transactions: 2, badTransactions: 1 });
    expect(String(events[0]!.details.firstIssue)).toMatch(/at segment \d+ \(SE\)/);
  });

  it('quarantines a file whose every transaction is broken, naming the first problem', async () => {
    const tenantId = (await stack.newTenant()).id;
    const text = fs.readFileSync(path.join(FIXTURES, 'tigershark/835-example-2.txt'), 'utf8');
    const file = await service.upload(actor(tenantId), Buffer.from(text), 'tigershark.835');
    const result = (await stack.temporal.workflow
      .getHandle(file.workflowId)
      .result()) as IngestRemittanceResult;
    // Both of its transactions carry a wrong SE01 count (see PROVENANCE.md).
    expect(result.status).toBe('quarantined');
    expect(result.quarantineReason).toMatch(/at segment \d+ \(SE\)/);
  });

  it('gives a re-uploaded file back with duplicate set and starts nothing new', async () => {
    const tenantId = (await stack.newTenant()).id;
    const content = Buffer.from(remitForMany([uniquePatient()], 'denied'));
    const one = await service.upload(actor(tenantId), content, 'a.835');
    await stack.temporal.workflow.getHandle(one.workflowId).result();
    const two = await service.upload(actor(tenantId), content, 'b.835');
    expect(two).toMatchObject({ id: one.id, duplicate: true, status: 'processed' });
    const { count } = await stack.temporal.workflow.count(`WorkflowId = '${one.workflowId}'`);
    expect(count).toBe(1);
  });
});
