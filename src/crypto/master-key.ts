import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { DecryptionError, Vault, generateMasterKeyText, parseMasterKey, type MasterKey } from './envelope.ts';

export class MasterKeyError extends Error {}

const CANARY = { organisationId: '-', recordId: 'canary', purpose: 'canary' };

/**
 * ODOCK_MASTER_KEY wins; in embedded mode (SQLite) a key is generated into the data directory
 * on first start. PostgreSQL deployments run several instances, so the key must be given.
 */
export function loadMasterKey(opts: { envKey?: string; dataDir: string; dialect: 'sqlite' | 'postgres' }): MasterKey {
  if (opts.envKey) {
    try {
      return parseMasterKey(opts.envKey);
    } catch (e) {
      throw new MasterKeyError((e as Error).message);
    }
  }
  if (opts.dialect === 'postgres') throw new MasterKeyError('ODOCK_MASTER_KEY is required with PostgreSQL (every instance needs the same key)');
  const file = join(opts.dataDir, 'master.key');
  if (!existsSync(file)) {
    mkdirSync(opts.dataDir, { recursive: true });
    writeFileSync(file, generateMasterKeyText() + '\n', { mode: 0o600 });
  }
  try {
    return parseMasterKey(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new MasterKeyError(`${file}: ${(e as Error).message}`);
  }
}

/** A stored canary proves the key is the one the database was written with; a wrong key stops the start. */
export async function checkMasterKey(db: Kysely<Database>, vault: Vault): Promise<void> {
  const row = await db.selectFrom('odock_meta').select('value').where('key', '=', 'master_key_canary').executeTakeFirst();
  if (!row) {
    await db.insertInto('odock_meta').values({ key: 'master_key_canary', value: vault.encrypt('odock', CANARY) }).execute();
    return;
  }
  try {
    vault.decrypt(row.value, CANARY);
  } catch (e) {
    if (!(e instanceof DecryptionError)) throw e;
    const storedId = row.value.split('.')[1] ?? '?';
    throw new MasterKeyError(`ODOCK_MASTER_KEY does not match this database: it was encrypted with master key id ${storedId}, the configured key has id ${vault.keyId}`);
  }
}

export const canaryContext = CANARY;
