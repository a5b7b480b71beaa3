import type { AppealSubmissionRequest, PayerAdapter, SubmissionReceipt } from './payer-adapter';
import { SubmissionRejected, SubmissionUnavailable } from './payer-adapter';

/**
 * Posts the packet to a payer's (or clearinghouse's) appeal endpoint with an
 * Idempotency-Key header, so the receiver deduplicates retries too.
 */
export class HttpPayerAdapter implements PayerAdapter {
  readonly name = 'http';
  constructor(
    private readonly endpoint: string,
    private readonly timeoutMs = 30_000,
  ) {}

  async submit(req: AppealSubmissionRequest): Promise<SubmissionReceipt> {
    const form = new FormData();
    form.append('payerClaimControlNumber', req.payerClaimControlNumber);
    form.append(
      'packet',
      new Blob([new Uint8Array(req.packet)], { type: 'application/pdf' }),
      'appeal.pdf',
    );
    const res = await this.call(`${this.endpoint}/appeals`, {
      method: 'POST',
      body: form,
      headers: { 'idempotency-key': req.idempotencyKey },
    });
    const body = (await res.json().catch(() => ({}))) as { reference?: unknown };
    if (typeof body.reference !== 'string' || !body.reference) {
      throw new SubmissionUnavailable('payer answered without a reference');
    }
    return { channel: 'api', payerReference: body.reference };
  }

  async withdraw(req: { idempotencyKey: string; payerReference: string }): Promise<void> {
    await this.call(`${this.endpoint}/appeals/${encodeURIComponent(req.payerReference)}/withdraw`, {
      method: 'POST',
      headers: { 'idempotency-key': `withdraw:${req.idempotencyKey}` },
    });
  }

  private async call(url: string, init: RequestInit): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch {
      throw new SubmissionUnavailable('payer endpoint unreachable or timed out');
    }
    if (res.status >= 500 || res.status === 429 || res.status === 408) {
      throw new SubmissionUnavailable(`payer endpoint answered ${res.status}`);
    }
    if (res.status >= 400)
      throw new SubmissionRejected(`payer endpoint refused the appeal (${res.status})`);
    return res;
  }
}
