import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, nowIso, type Store } from '../db.ts';

/**
 * A real, migrated SQLite store in a fresh temp directory, for unit tests of services (no mocks
 * of the database). Seeds write the few rows a service needs that another room owns.
 */
export interface TempStore {
  store: Store;
  seedOrganisation(name?: string): Promise<string>;
  seedTeam(orgId: string, name?: string): Promise<string>;
  seedUser(orgId: string, email?: string): Promise<string>;
  close(): Promise<void>;
}

export async function openTempStore(): Promise<TempStore> {
  const dir = mkdtempSync(join(tmpdir(), 'odock-svc-'));
  const store = openStore({ databaseUrl: `sqlite:${join(dir, 'odock.db')}` });
  await store.migrate();
  const { db } = store;
  return {
    store,
    async seedOrganisation(name = `org-${randomUUID().slice(0, 8)}`) {
      const id = randomUUID();
      const now = nowIso();
      await db.insertInto('organisations').values({ id, name, policies: '{}', created_at: now, updated_at: now }).execute();
      return id;
    },
    async seedTeam(orgId, name = `team-${randomUUID().slice(0, 8)}`) {
      const id = randomUUID();
      const now = nowIso();
      await db.insertInto('teams').values({ id, organisation_id: orgId, name, policies: '{}', created_at: now, updated_at: now }).execute();
      return id;
    },
    async seedUser(orgId, email = `${randomUUID().slice(0, 8)}@example.test`) {
      const id = randomUUID();
      const now = nowIso();
      await db.insertInto('users').values({ id, organisation_id: orgId, email, name: email, role: 'member', created_at: now, updated_at: now, operator_id: null }).execute();
      return id;
    },
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
