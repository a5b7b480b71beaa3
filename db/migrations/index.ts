import type { Migration } from 'kysely';
import * as m2026112400 from './2026112400_roles';
import * as m2026112401 from './2026112401_remittances';
import * as m2026112402 from './2026112402_identity';
import * as m2026112403 from './2026112403_claim_work';
import * as m2026112404 from './2026112404_audit';
import * as m2026112405 from './2026112405_index_keys';
import * as m2026112410 from './2026112410_lifecycle';
import * as m2026112420 from './2026112420_auth';
import * as m2026120100 from './2026120100_session_lookup';
import * as m2026120200 from './2026120200_session_lookup_inline';
import * as m2026120201 from './2026120201_auth_notify';

/** Every migration, in order. A static list works the same from src, dist and Jest. */
export const migrations: Record<string, Migration> = {
  '2026112400_roles': m2026112400,
  '2026112401_remittances': m2026112401,
  '2026112402_identity': m2026112402,
  '2026112403_claim_work': m2026112403,
  '2026112404_audit': m2026112404,
  '2026112405_index_keys': m2026112405,
  '2026112410_lifecycle': m2026112410,
  '2026112420_auth': m2026112420,
  '2026120100_session_lookup': m2026120100,
  '2026120200_session_lookup_inline': m2026120200,
  '2026120201_auth_notify': m2026120201,
};
