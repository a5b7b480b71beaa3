import type { Migration } from 'kysely';
import * as m2026112400 from './2026112400_roles';
import * as m2026112401 from './2026112401_remittances';

/** Every migration, in order. A static list works the same from src, dist and Jest. */
export const migrations: Record<string, Migration> = {
  '2026112400_roles': m2026112400,
  '2026112401_remittances': m2026112401,
};
