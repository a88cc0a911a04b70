import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001-initial.ts';
import * as m002 from './002-operator-trust.ts';
import * as m003 from './003-usage-record-ids.ts';
import * as m006 from './006-usage-rollups.ts';

// Migrations are listed statically so the same list runs from sources (tsx) and from any bundle.
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': m001,
  '002-operator-trust': m002,
  '003-usage-record-ids': m003,
  '006-usage-rollups': m006,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
