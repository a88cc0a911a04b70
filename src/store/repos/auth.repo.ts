import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { AuthEntry } from '../../auth/auth-entry.ts';
import type { KeyStoreLookup } from '../../auth/key-lookup.ts';
import { json } from '../json-column.ts';
import { apiKeyRepo } from './api-key.repo.ts';

export function authRepo(db: Kysely<Database>): KeyStoreLookup & { touchLastUsed(keyIds: string[]): Promise<void> } {
  return {
    async findAuthEntryByHash(hash) {
      const k = await db.selectFrom('api_keys')
        .innerJoin('organisations', 'organisations.id', 'api_keys.organisation_id')
        .leftJoin('teams', 'teams.id', 'api_keys.team_id')
        .where('api_keys.key_hash', '=', hash)
        .select([
          'api_keys.id as id', 'api_keys.organisation_id as org', 'api_keys.team_id as team', 'api_keys.user_id as user', 'api_keys.type as type',
          'api_keys.expiry as expiry', 'api_keys.revoked as revoked', 'api_keys.policies as kp', 'organisations.policies as op', 'teams.policies as tp',
        ])
        .executeTakeFirst();
      if (!k) return null;
      const [models, mcp] = await Promise.all([
        db.selectFrom('api_key_model_access').select('model_id').where('api_key_id', '=', k.id).execute(),
        db.selectFrom('api_key_mcp_access').select('mcp_server_id').where('api_key_id', '=', k.id).execute(),
      ]);
      const entry: AuthEntry = {
        keyId: k.id,
        orgId: k.org,
        teamId: k.team,
        userId: k.user,
        type: k.type,
        expiresAt: k.expiry ? Date.parse(k.expiry) : null,
        revoked: !!k.revoked,
        policies: { organisation: json.parse(k.op, {}), team: json.parse(k.tp, {}), key: json.parse(k.kp, {}) },
        modelIds: models.map((m) => m.model_id),
        mcpServerIds: mcp.map((m) => m.mcp_server_id),
      };
      return entry;
    },
    touchLastUsed: (keyIds) => apiKeyRepo(db).touchLastUsed(keyIds),
  };
}
