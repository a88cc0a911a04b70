import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DecryptionError, Vault, generateMasterKeyText, parseMasterKey, type MasterKey } from './envelope.ts';

export class MasterKeyError extends Error {}

const CANARY = { organisationId: '-', recordId: 'canary', purpose: 'canary' };

/**
 * ODOCK_MASTER_KEY wins; in embedded mode (SQLite) a key is generated into the data directory
 * on first start. PostgreSQL deployments run several instances, so the key must be given.
 */
export function loadMasterKey(opts: { envKey?: string; dataDir: string; dialect: 'sqlite' | 'postgres' }): MasterKey {
  ownerOnly(opts.dataDir, 0o700);
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
    mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, generateMasterKeyText() + '\n', { mode: 0o600 });
  }
  ownerOnly(file, 0o600);
  try {
    return parseMasterKey(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new MasterKeyError(`${file}: ${(e as Error).message}`);
  }
}

/**
 * The data directory (database, master key) and the key file are the owner's alone; an older
 * install with looser modes is tightened at start. Group/other bits only are removed.
 */
function ownerOnly(path: string, mode: number): void {
  try {
    if (!existsSync(path)) return;
    const current = statSync(path).mode & 0o777;
    if ((current & 0o077) !== 0) chmodSync(path, current & mode);
  } catch {
    /* not ours to change (another owner, a read-only mount): leave it */
  }
}

/** Where the canary is kept (the store's meta records); crypto itself reads and writes nothing. */
export interface CanaryStore {
  get(key: string): Promise<string | undefined>;
  insert(key: string, value: string): Promise<void>;
}

export const CANARY_KEY = 'master_key_canary';

/** A stored canary proves the key is the one the database was written with; a wrong key stops the start. */
export async function checkMasterKey(meta: CanaryStore, vault: Vault): Promise<void> {
  const stored = await meta.get(CANARY_KEY);
  if (stored === undefined) {
    await meta.insert(CANARY_KEY, vault.encrypt('odock', CANARY));
    return;
  }
  try {
    vault.decrypt(stored, CANARY);
  } catch (e) {
    if (!(e instanceof DecryptionError)) throw e;
    const storedId = stored.split('.')[1] ?? '?';
    throw new MasterKeyError(`ODOCK_MASTER_KEY does not match this database: it was encrypted with master key id ${storedId}, the configured key has id ${vault.keyId}`);
  }
}

export const canaryContext = CANARY;
