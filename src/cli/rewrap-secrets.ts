import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/env.ts';
import { openStore } from '../store/db.ts';
import { storedSecretRepo, type StoredSecretsTx } from '../store/repos/stored-secret.repo.ts';
import { Vault, generateMasterKeyText, parseMasterKey, type MasterKey, type SecretContext } from '../crypto/envelope.ts';
import { MasterKeyError, canaryContext, checkMasterKey } from '../crypto/master-key.ts';
import { metaRepo } from '../store/repos/meta.repo.ts';
import { webhookSecretContext } from '../budgets/webhook-dispatcher.ts';

export interface RewrapCounts {
  providerKeys: number;
  mcpAuth: number;
  mcpEnv: number;
  pendingApiKeys: number;
  canary: number;
  webhookSecrets: number;
}

export interface RewrapResult {
  fromKeyId: string;
  toKeyId: string;
  counts: RewrapCounts;
  total: number;
  /** Set when the embedded data-directory key file was replaced. */
  keyFile?: string;
}

const keyIdOf = (stored: string) => stored.split('.')[1];

/** The key the database is encrypted with now: ODOCK_MASTER_KEY, else the data-directory file (never generated here). */
function currentKey(config: Readonly<Config>): { key: MasterKey; file?: string } {
  const parse = (text: string, where: string) => {
    try {
      return parseMasterKey(text);
    } catch (e) {
      throw new MasterKeyError(`${where}: ${(e as Error).message}`);
    }
  };
  if (config.ODOCK_MASTER_KEY) return { key: parse(config.ODOCK_MASTER_KEY, 'ODOCK_MASTER_KEY') };
  if (config.dialect === 'postgres') throw new MasterKeyError('ODOCK_MASTER_KEY is required with PostgreSQL: set it to the key the database is encrypted with now');
  const file = join(config.dataDir, 'master.key');
  if (!existsSync(file)) throw new MasterKeyError(`no ODOCK_MASTER_KEY and no key file at ${file}: nothing to re-wrap from`);
  return { key: parse(readFileSync(file, 'utf8'), file), file };
}

/**
 * Re-wraps every stored secret under a new master key in one transaction: provider keys, MCP
 * upstream auth and env, API key secrets not yet revealed, webhook signing secrets, and the master-key canary. Each secret
 * is first decrypted with its own record binding, so a damaged one stops the run before anything
 * is written, instead of being carried over unreadable.
 */
export async function rewrapSecrets(config: Readonly<Config>): Promise<RewrapResult> {
  const { key: oldKey, file } = currentKey(config);
  let newText = config.ODOCK_NEW_MASTER_KEY;
  if (!newText) {
    if (!file) throw new MasterKeyError('set ODOCK_NEW_MASTER_KEY to the new master key (32 bytes, 64 hex characters or base64)');
    newText = generateMasterKeyText(); // embedded: the new key goes into the data directory
  }
  let next: MasterKey;
  try {
    next = parseMasterKey(newText);
  } catch (e) {
    throw new MasterKeyError(`ODOCK_NEW_MASTER_KEY: ${(e as Error).message}`);
  }
  if (next.id === oldKey.id) throw new MasterKeyError(`ODOCK_NEW_MASTER_KEY is the current key (id ${oldKey.id}): nothing to do`);

  const old = new Vault(oldKey);
  const store = openStore({ databaseUrl: config.databaseUrl, schema: config.DATABASE_SCHEMA });
  try {
    await store.migrate();
    await checkMasterKey(metaRepo(store.db), old); // a wrong current key stops here, naming both ids
    // Written before the commit: if the process dies after it, the new key is not lost.
    const pendingFile = file ? `${file}.new` : undefined;
    if (pendingFile) writeFileSync(pendingFile, `${newText}\n`, { mode: 0o600 });
    let counts: RewrapCounts;
    try {
      counts = await storedSecretRepo(store.db, store.dialect).inTransaction((secrets) => rewrapAll(secrets, old, next));
    } catch (e) {
      if (pendingFile) rmSync(pendingFile, { force: true });
      throw e;
    }
    if (pendingFile && file) renameSync(pendingFile, file);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    return { fromKeyId: oldKey.id, toKeyId: next.id, counts, total, keyFile: file };
  } finally {
    await store.close();
  }
}

async function rewrapAll(tx: StoredSecretsTx, old: Vault, next: MasterKey): Promise<RewrapCounts> {
  const counts: RewrapCounts = { providerKeys: 0, mcpAuth: 0, mcpEnv: 0, pendingApiKeys: 0, canary: 0, webhookSecrets: 0 };
  const move = (stored: string, ctx: SecretContext, what: string): string => {
    if (keyIdOf(stored) !== old.keyId) throw new MasterKeyError(`${what} is encrypted under master key id ${keyIdOf(stored)}, not the current ${old.keyId}; nothing was changed`);
    try {
      old.decrypt(stored, ctx);
    } catch {
      throw new MasterKeyError(`${what} does not decrypt with the current master key; nothing was changed`);
    }
    return old.rewrap(stored, next);
  };

  for (const r of await tx.providerKeys()) {
    const ciphertext = move(r.ciphertext, { organisationId: r.organisation_id, recordId: r.id, purpose: 'provider_key' }, `provider key ${r.id}`);
    await tx.setProviderKey(r.id, ciphertext);
    counts.providerKeys++;
  }
  for (const r of await tx.mcpServers()) {
    const set: { auth_ciphertext?: string; env_ciphertext?: string } = {};
    if (r.auth_ciphertext) {
      set.auth_ciphertext = move(r.auth_ciphertext, { organisationId: r.organisation_id, recordId: r.id, purpose: 'mcp_auth' }, `MCP server ${r.id} auth`);
      counts.mcpAuth++;
    }
    if (r.env_ciphertext) {
      set.env_ciphertext = move(r.env_ciphertext, { organisationId: r.organisation_id, recordId: r.id, purpose: 'mcp_env' }, `MCP server ${r.id} env`);
      counts.mcpEnv++;
    }
    if (Object.keys(set).length) await tx.setMcpServer(r.id, set);
  }
  for (const r of await tx.pendingApiKeys()) {
    const pending = move(r.pending_secret, { organisationId: r.organisation_id, recordId: r.id, purpose: 'api_key_pending' }, `API key ${r.id}`);
    await tx.setPendingSecret(r.id, pending);
    counts.pendingApiKeys++;
  }
  for (const r of await tx.webhooks()) {
    await tx.setWebhookSecret(r.id, move(r.secret_ciphertext, webhookSecretContext(r.organisation_id, r.id), `webhook ${r.id} secret`));
    counts.webhookSecrets++;
  }
  const canary = await tx.canary();
  if (canary) {
    await tx.setCanary(move(canary, canaryContext, 'the master-key canary'));
    counts.canary++;
  }
  return counts;
}
