import type { Payer } from '../schema';
import type { Tx } from '../unit-of-work';

export class PayerRepository {
  constructor(private readonly tx: Tx) {}

  /** The payer named by an 835, created the first time it is seen. */
  async upsert(tenantId: string, payerKey: string, name: string): Promise<Payer> {
    const inserted = await this.tx
      .insertInto('payers')
      .values({ tenant_id: tenantId, payer_key: payerKey, name })
      .onConflict((oc) => oc.columns(['tenant_id', 'payer_key']).doNothing())
      .returningAll()
      .executeTakeFirst();
    return (
      inserted ??
      this.tx
        .selectFrom('payers')
        .selectAll()
        .where('payer_key', '=', payerKey)
        .executeTakeFirstOrThrow()
    );
  }

  async list(): Promise<Payer[]> {
    return this.tx.selectFrom('payers').selectAll().orderBy('name').execute();
  }
}
