import { type Kysely, sql } from 'kysely';

/**
 * What a claim's lifecycle decides, kept beside the claim so queues, search
 * and dashboards read it without asking Temporal, and the later 835 that
 * answers an appeal links to the claim it answers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE claims
      ADD COLUMN determination_date date,
      ADD COLUMN claim_filing_indicator text CHECK (claim_filing_indicator ~ '^[A-Z0-9]{1,2}$'),
      ADD COLUMN service_dates_enc bytea,
      ADD COLUMN lifecycle_state text CHECK (lifecycle_state IN
        ('triage', 'analysis', 'drafting', 'awaiting_review', 'preparing_packet', 'submitting', 'awaiting_outcome', 'closed')),
      ADD COLUMN lifecycle_outcome text CHECK (lifecycle_outcome IN
        ('overturned', 'partially_overturned', 'upheld', 'written_off', 'patient_responsibility', 'no_action', 'review_missed', 'rejected_by_reviewer')),
      ADD COLUMN category text CHECK (category ~ '^[a-z][a-z_]{1,40}$'),
      ADD COLUMN recommended_action text CHECK (recommended_action IN ('appeal', 'corrected_claim', 'write_off', 'bill_patient', 'none')),
      ADD COLUMN appeal_level text CHECK (appeal_level ~ '^[a-z_]{1,40}$'),
      ADD COLUMN appeal_deadline date,
      ADD COLUMN amount_at_stake_cents bigint CHECK (amount_at_stake_cents >= 0),
      ADD COLUMN priority_score integer,
      ADD COLUMN recovered_cents bigint CHECK (recovered_cents >= 0),
      ADD COLUMN answers_claim_id uuid,
      ADD CONSTRAINT claims_answers_fk FOREIGN KEY (tenant_id, answers_claim_id) REFERENCES claims (tenant_id, id),
      ADD CONSTRAINT claims_outcome_when_closed CHECK ((lifecycle_state = 'closed') = (lifecycle_outcome IS NOT NULL))
  `.execute(db);
  // The match a later 835 needs: same payer and patient account, appeal pending.
  await sql`
    CREATE INDEX claims_awaiting_outcome ON claims (tenant_id, payer_key, patient_control_number_bidx)
    WHERE lifecycle_state = 'awaiting_outcome'`.execute(db);
  await sql`CREATE INDEX claims_queue ON claims (tenant_id, lifecycle_state, priority_score DESC)`.execute(
    db,
  );
  await sql`
    ALTER TABLE appeals
      ADD COLUMN appeal_level text CHECK (appeal_level ~ '^[a-z_]{1,40}$'),
      ADD COLUMN packet_enc bytea,
      ADD COLUMN packet_sha256 text CHECK (packet_sha256 ~ '^[0-9a-f]{64}$'),
      ADD CONSTRAINT appeals_packet_hashed CHECK ((packet_enc IS NULL) = (packet_sha256 IS NULL))
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE appeals DROP CONSTRAINT appeals_packet_hashed, DROP COLUMN packet_sha256, DROP COLUMN packet_enc, DROP COLUMN appeal_level`.execute(
    db,
  );
  await sql`DROP INDEX IF EXISTS claims_queue`.execute(db);
  await sql`DROP INDEX IF EXISTS claims_awaiting_outcome`.execute(db);
  await sql`
    ALTER TABLE claims
      DROP CONSTRAINT claims_outcome_when_closed, DROP CONSTRAINT claims_answers_fk,
      DROP COLUMN answers_claim_id, DROP COLUMN recovered_cents, DROP COLUMN priority_score,
      DROP COLUMN amount_at_stake_cents, DROP COLUMN appeal_deadline, DROP COLUMN appeal_level,
      DROP COLUMN recommended_action, DROP COLUMN category, DROP COLUMN lifecycle_outcome,
      DROP COLUMN lifecycle_state, DROP COLUMN service_dates_enc, DROP COLUMN claim_filing_indicator,
      DROP COLUMN determination_date`.execute(db);
}
