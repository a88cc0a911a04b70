import { loadConfigOrExit } from '../config/env.ts';
import { openStore } from '../store/db.ts';

/** `npm run migrate`: applies pending migrations to the configured DATABASE_URL and lists them. */
async function main(): Promise<number> {
  const config = loadConfigOrExit();
  const store = openStore({ databaseUrl: config.databaseUrl, schema: config.DATABASE_SCHEMA });
  // Never print the URL itself: it may hold a password.
  const where = `${store.dialect}${config.DATABASE_SCHEMA ? ` (schema ${config.DATABASE_SCHEMA})` : ''}`;
  try {
    const applied = await store.migrate();
    if (applied.length === 0) console.log(`Database on ${where} is up to date; no migration applied.`);
    else console.log(`Applied ${applied.length} migration(s) on ${where}:\n${applied.map((m) => `  ${m}`).join('\n')}`);
    return 0;
  } catch (e) {
    console.error(`Migration failed: ${(e as Error).message}`);
    return 1;
  } finally {
    await store.close();
  }
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(1);
});
