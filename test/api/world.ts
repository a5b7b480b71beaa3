import type { Tenant } from '../../db/schema';
import {
  claimWorkflowId,
  getClaimState,
  type ClaimLifecycleState,
} from '../../workflows/contracts';
import { eventually, type SignedIn, type TestStack } from '../harness';
import { remitFor, uniquePatient } from '../synthetic-remit';

/** A denied claim uploaded through the API and worked until it waits for a person. */
export async function claimAwaitingReview(
  stack: TestStack,
  uploader: SignedIn,
): Promise<{
  claimId: string;
  state: ClaimLifecycleState;
  patient: ReturnType<typeof uniquePatient>;
}> {
  const patient = uniquePatient();
  const form = new FormData();
  form.append('file', new Blob([remitFor(patient, 'denied')]), 'r.835');
  const res = await uploader.fetch('/remittances', { method: 'POST', body: form });
  if (res.status !== 202) throw new Error(`upload answered ${res.status}`);
  const fileId = ((await res.json()) as { id: string }).id;
  const claimId = await eventually(
    'claim stored',
    async () =>
      (
        await stack.ownerDb
          .selectFrom('claims')
          .select('id')
          .where('remittance_file_id', '=', fileId)
          .executeTakeFirst()
      )?.id,
  );
  const state = await eventually('awaiting review', async () => {
    const s = await stack.temporal.workflow
      .getHandle(claimWorkflowId(claimId))
      .query(getClaimState);
    return s.state === 'awaiting_review' && s.reviewTaskId ? s : undefined;
  });
  return { claimId, state, patient };
}

/** The audit events a request left, by the request id the API answered with. */
export async function eventsOf(stack: TestStack, res: Response) {
  const requestId = res.headers.get('x-request-id');
  if (!requestId) throw new Error('response without x-request-id');
  return stack.ownerDb
    .selectFrom('audit_events')
    .selectAll()
    .where('request_id', '=', requestId)
    .orderBy('seq')
    .execute();
}

export type { Tenant };
