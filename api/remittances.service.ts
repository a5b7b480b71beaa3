import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { RemittanceRepository } from '../db/repositories/remittance.repository';
import type { RemittanceFile } from '../db/schema';
import { inTenant, type ScopeContext } from '../db/unit-of-work';
import type { Config } from '../ops/config';
import type { Runtime } from '../ops/runtime';
import { ingestWorkflowId } from '../workflows/contracts';
import type { ingestRemittance } from '../workflows/ingest-remittance.workflow';
import { badRequest, notFound } from './errors';
import { recordAudit } from '../db/audit/audit.repository';
import { CONFIG, RUNTIME, TEMPORAL } from './tokens';

export interface RemittanceView {
  id: string;
  sha256: string;
  sizeBytes: number;
  status: RemittanceFile['status'];
  quarantineReason: string | null;
  claimCount: number | null;
  workflowId: string;
  receivedAt: string;
  duplicate?: boolean;
}

function view(file: RemittanceFile, duplicate?: boolean): RemittanceView {
  return {
    id: file.id,
    sha256: file.sha256,
    sizeBytes: file.size_bytes,
    status: file.status,
    quarantineReason: file.quarantine_reason,
    claimCount: file.claim_count,
    workflowId: file.workflow_id ?? ingestWorkflowId(file.id),
    receivedAt: new Date(file.received_at).toISOString(),
    ...(duplicate === undefined ? {} : { duplicate }),
  };
}

@Injectable()
export class RemittancesService {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(TEMPORAL) private readonly temporal: Client,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Stores the file encrypted, deduplicated by sha256, and starts its ingestion once. */
  async upload(
    who: ScopeContext,
    content: Buffer,
    originalName: string | undefined,
  ): Promise<RemittanceView> {
    if (content.length === 0) throw badRequest('the file is empty', 'file');
    const { cipher, db } = this.runtime;
    const id = randomUUID();
    const sha256 = createHash('sha256').update(content).digest('hex');
    const contentEnc = await cipher.encrypt(content, {
      tenantId: who.tenantId,
      column: 'remittance_file_contents.content_enc',
      rowId: id,
    });
    const originalNameEnc = originalName
      ? await cipher.encrypt(originalName, {
          tenantId: who.tenantId,
          column: 'remittance_files.original_name_enc',
          rowId: id,
        })
      : null;
    const { file, created } = await inTenant(db, who, async (tx) => {
      const r = await new RemittanceRepository(tx).createOrGet({
        id,
        tenantId: who.tenantId,
        sha256,
        sizeBytes: content.length,
        originalNameEnc,
        contentEnc,
      });
      // Callers with a role (the API's users and keys) leave an event; the CLI's ingest predates roles.
      if (who.role)
        await recordAudit(tx, {
          action: 'remittance.upload',
          resourceType: 'remittance_file',
          resourceId: r.file.id,
          purpose: 'payment',
          details: { sha256, duplicate: !r.created },
        });
      return r;
    });
    // A duplicate whose ingestion never started (crash after commit) is started now.
    if (created || file.status === 'received') await this.startIngestion(who.tenantId, file.id);
    return view(file, !created);
  }

  async get(who: ScopeContext, id: string): Promise<RemittanceView> {
    const file = await inTenant(this.runtime.db, who, (tx) =>
      new RemittanceRepository(tx).find(id),
    );
    if (!file) throw notFound('remittance');
    return view(file);
  }

  private async startIngestion(tenantId: string, fileId: string): Promise<void> {
    try {
      await this.temporal.workflow.start<typeof ingestRemittance>('ingestRemittance', {
        workflowId: ingestWorkflowId(fileId),
        taskQueue: this.config.temporal.taskQueue,
        args: [{ tenantId, fileId }],
        searchAttributes: { TenantId: [tenantId] },
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
}
