import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { Dialect } from '../db.ts';

const CANARY_KEY = 'master_key_canary';

/** Every column that holds a secret encrypted under the master key, read and written inside one transaction. */
export interface StoredSecretsTx {
  providerKeys(): Promise<Array<{ id: string; organisation_id: string; ciphertext: string }>>;
  setProviderKey(id: string, ciphertext: string): Promise<void>;
  mcpServers(): Promise<Array<{ id: string; organisation_id: string; auth_ciphertext: string | null; env_ciphertext: string | null }>>;
  setMcpServer(id: string, set: { auth_ciphertext?: string; env_ciphertext?: string }): Promise<void>;
  /** API keys whose secret is still kept for its one reveal. */
  pendingApiKeys(): Promise<Array<{ id: string; organisation_id: string; pending_secret: string }>>;
  setPendingSecret(id: string, pending: string): Promise<void>;
  canary(): Promise<string | undefined>;
  setCanary(value: string): Promise<void>;
  /** Budget alert webhooks' signing secrets. */
  webhooks(): Promise<Array<{ id: string; organisation_id: string; secret_ciphertext: string }>>;
  setWebhookSecret(id: string, ciphertext: string): Promise<void>;
}

function secretsOf(tx: Kysely<Database>): StoredSecretsTx {
  return {
    providerKeys: () => tx.selectFrom('provider_keys').select(['id', 'organisation_id', 'ciphertext']).execute(),
    async setProviderKey(id, ciphertext) {
      await tx.updateTable('provider_keys').set({ ciphertext }).where('id', '=', id).execute();
    },
    mcpServers: () => tx.selectFrom('mcp_servers').select(['id', 'organisation_id', 'auth_ciphertext', 'env_ciphertext']).execute(),
    async setMcpServer(id, set) {
      await tx.updateTable('mcp_servers').set(set).where('id', '=', id).execute();
    },
    async pendingApiKeys() {
      const rows = await tx.selectFrom('api_keys').select(['id', 'organisation_id', 'pending_secret']).where('pending_secret', 'is not', null).execute();
      return rows.map((r) => ({ ...r, pending_secret: r.pending_secret! }));
    },
    async setPendingSecret(id, pending) {
      await tx.updateTable('api_keys').set({ pending_secret: pending }).where('id', '=', id).execute();
    },
    async canary() {
      return (await tx.selectFrom('odock_meta').select('value').where('key', '=', CANARY_KEY).executeTakeFirst())?.value;
    },
    async setCanary(value) {
      await tx.updateTable('odock_meta').set({ value }).where('key', '=', CANARY_KEY).execute();
    },
    webhooks: () => tx.selectFrom('webhooks').select(['id', 'organisation_id', 'secret_ciphertext']).execute(),
    async setWebhookSecret(id, ciphertext) {
      await tx.updateTable('webhooks').set({ secret_ciphertext: ciphertext }).where('id', '=', id).execute();
    },
  };
}

/** For re-wrapping under a new master key: all secrets in one transaction, or none. */
export function storedSecretRepo(db: Kysely<Database>, dialect: Dialect) {
  return {
    inTransaction<T>(fn: (secrets: StoredSecretsTx) => Promise<T>): Promise<T> {
      return db.transaction().execute(async (tx) => {
        // Running instances must not write a secret under the old key mid-run (PostgreSQL).
        if (dialect === 'postgres') await sql`lock table provider_keys, mcp_servers, api_keys, odock_meta, webhooks in share row exclusive mode`.execute(tx);
        return fn(secretsOf(tx));
      });
    },
  };
}
