import { AuditRepository } from '../audit/audit.repository';
import type { Database } from '../database';
import type { Tenant } from '../schema';
import { inTenant, type Tx } from '../unit-of-work';

export class TenantRepository {
  /**
   * Cross-tenant by nature (bootstrap and operator CLI), so it takes the
   * owner's handle explicitly and sets the new tenant as scope for the insert.
   */
  static async create(ownerDb: Database, slug: string, name: string): Promise<Tenant> {
    const id = crypto.randomUUID();
    return inTenant(ownerDb, { tenantId: id, actor: 'system:cli' }, async (tx) => {
      const tenant = await tx
        .insertInto('tenants')
        .values({ id, slug, name })
        .returningAll()
        .executeTakeFirstOrThrow();
      // The first link of the tenant's audit chain.
      await new AuditRepository(tx).record({
        action: 'tenant.create',
        resourceType: 'tenant',
        resourceId: id,
        purpose: 'operations',
      });
      return tenant;
    });
  }

  /** Operator lookup by slug; needs a role that may read across tenants. */
  static async findBySlugUnscoped(ownerDb: Database, slug: string): Promise<Tenant | undefined> {
    return ownerDb.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
  }

  constructor(private readonly tx: Tx) {}

  async current(): Promise<Tenant | undefined> {
    return this.tx.selectFrom('tenants').selectAll().executeTakeFirst();
  }
}
