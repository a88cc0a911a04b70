import type { Kysely } from 'kysely';
import type { ApiKeyRotationTable, ApiKeyTable, Database } from '../schema.ts';
import { pageQuery, type PageParams } from './paging.ts';

export interface ApiKeyFilter {
  type?: string;
  teamId?: string;
  userId?: string;
  revoked?: boolean;
  /** Substring of the name. */
  q?: string;
}

/** The policies that apply to a key: its own, its team's and its organisation's (JSON text). */
export interface KeyPolicyChain {
  id: string;
  team_id: string | null;
  kp: string;
  op: string;
  tp: string | null;
}

/** Virtual API keys of an organisation (hash and masked form; a secret only until its one reveal). */
export function apiKeyRepo(db: Kysely<Database>) {
  return {
    listPage(orgId: string, f: ApiKeyFilter, p: PageParams): Promise<ApiKeyTable[]> {
      let q = db.selectFrom('api_keys').selectAll().where('organisation_id', '=', orgId);
      if (f.type) q = q.where('type', '=', f.type);
      if (f.teamId) q = q.where('team_id', '=', f.teamId);
      if (f.userId) q = q.where('user_id', '=', f.userId);
      if (f.revoked !== undefined) q = q.where('revoked', '=', f.revoked ? 1 : 0);
      if (f.q) q = q.where('name', 'like', `%${f.q}%`);
      return pageQuery(q, 'api_keys', p).execute();
    },
    find(orgId: string, keyId: string): Promise<ApiKeyTable | undefined> {
      return db.selectFrom('api_keys').selectAll().where('organisation_id', '=', orgId).where('id', '=', keyId).executeTakeFirst();
    },
    /** Owner checks for TEAM and USER keys: the owner must belong to the key's organisation. */
    async teamInOrg(orgId: string, teamId: string): Promise<boolean> {
      return !!(await db.selectFrom('teams').select('id').where('organisation_id', '=', orgId).where('id', '=', teamId).executeTakeFirst());
    },
    async userInOrg(orgId: string, userId: string): Promise<boolean> {
      return !!(await db.selectFrom('users').select('id').where('organisation_id', '=', orgId).where('id', '=', userId).executeTakeFirst());
    },
    /** Another key of the organisation already has this name (compared case-insensitively). */
    async nameTaken(orgId: string, name: string, exceptKeyId?: string): Promise<boolean> {
      let q = db.selectFrom('api_keys').select('id').where('organisation_id', '=', orgId)
        .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
      if (exceptKeyId) q = q.where('id', '!=', exceptKeyId);
      return !!(await q.executeTakeFirst());
    },
    async insert(row: ApiKeyTable): Promise<void> {
      await db.insertInto('api_keys').values(row).execute();
    },
    async update(orgId: string, keyId: string, set: Partial<ApiKeyTable>): Promise<void> {
      await db.updateTable('api_keys').set(set).where('id', '=', keyId).where('organisation_id', '=', orgId).execute();
    },
    async delete(orgId: string, keyId: string): Promise<void> {
      await db.deleteFrom('api_keys').where('id', '=', keyId).where('organisation_id', '=', orgId).execute();
    },
    /**
     * Marks the key revealed and erases its pending secret, only if it was not revealed yet: the
     * conditional update makes reveal-once hold under concurrent reveals. True when this call won.
     */
    async markRevealed(orgId: string, keyId: string, now: string): Promise<boolean> {
      const r = await db.updateTable('api_keys').set({ revealed: 1, pending_secret: null, updated_at: now })
        .where('id', '=', keyId).where('organisation_id', '=', orgId).where('revealed', '=', 0).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    /** The new secret's columns and the rotation history row, together or not at all. */
    async rotate(orgId: string, keyId: string, set: Partial<ApiKeyTable>, rotation: ApiKeyRotationTable): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await tx.updateTable('api_keys').set(set).where('id', '=', keyId).where('organisation_id', '=', orgId).execute();
        await tx.insertInto('api_key_rotations').values(rotation).execute();
      });
    },
    /** Rotation history is short (one row per rotation): newest first, not paged. */
    listRotations(orgId: string, keyId: string): Promise<ApiKeyRotationTable[]> {
      return db.selectFrom('api_key_rotations').selectAll().where('api_key_id', '=', keyId).where('organisation_id', '=', orgId)
        .orderBy('rotated_at', 'desc').limit(1000).execute();
    },
    findPolicyChain(orgId: string, keyId: string): Promise<KeyPolicyChain | undefined> {
      return db.selectFrom('api_keys').innerJoin('organisations', 'organisations.id', 'api_keys.organisation_id').leftJoin('teams', 'teams.id', 'api_keys.team_id')
        .select(['api_keys.id', 'api_keys.team_id', 'api_keys.policies as kp', 'organisations.policies as op', 'teams.policies as tp'])
        .where('api_keys.organisation_id', '=', orgId).where('api_keys.id', '=', keyId).executeTakeFirst();
    },
    async touchLastUsed(keyIds: string[], at = new Date().toISOString()): Promise<void> {
      if (keyIds.length === 0) return;
      await db.updateTable('api_keys').set({ last_used_at: at }).where('id', 'in', keyIds).execute();
    },
  };
}
export type ApiKeyRepo = ReturnType<typeof apiKeyRepo>;
