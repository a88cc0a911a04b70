import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001-initial.ts';
import * as m002 from './002-operator-trust.ts';
import * as m003 from './003-usage-record-ids.ts';
import * as m004 from './004-budgets.ts';
import * as m005 from './005-routing.ts';
import * as m006 from './006-usage-rollups.ts';
import * as m007 from './007-audit-log.ts';
import * as m008 from './008-external-identities.ts';

// Migrations are listed statically so the same list runs from sources (tsx) and from any bundle.
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': m001,
  '002-operator-trust': m002,
  '003-usage-record-ids': m003,
  '004-budgets': m004,
  '005-routing': m005,
  '006-usage-rollups': m006,
  '007-audit-log': m007,
  '008-external-identities': m008,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
