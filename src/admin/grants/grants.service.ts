import type { Kysely } from 'kysely';
import { GatewayError } from '../errors/index.ts';
import { nowIso } from '../store/db.ts';
import type { Database } from '../store/schema.ts';

/** Model grants (ApiKeyModelAccess) and MCP grants (ApiKeyMcpAccess): key × target, one organisation. */
const KINDS = {
  model: { table: 'api_key_model_access', column: 'model_id', targets: 'models', noun: 'models' },
  mcp: { table: 'api_key_mcp_access', column: 'mcp_server_id', targets: 'mcp_servers', noun: 'servers' },
} as const;
export type GrantKind = keyof typeof KINDS;

/**
 * Grants every key every target, all or nothing: each id must name a record of this
 * organisation (else 400 naming `field`), so a grant across organisations cannot exist.
 * Existing grants are kept as they are.
 */
export async function addGrants(db: Kysely<Database>, orgId: string, kind: GrantKind, keyIds: string[], targetIds: string[], field: string): Promise<number> {
  const k = KINDS[kind];
  const keys = [...new Set(keyIds)];
  const targets = [...new Set(targetIds)];
  const [foundKeys, foundTargets] = await Promise.all([
    db.selectFrom('api_keys').select('id').where('organisation_id', '=', orgId).where('id', 'in', keys).execute(),
    db.selectFrom(k.targets).select('id').where('organisation_id', '=', orgId).where('id', 'in', targets).execute(),
  ]);
  if (foundKeys.length !== keys.length) throw new GatewayError('invalid_request', `${field} names keys that do not exist in this organisation`, { field });
  if (foundTargets.length !== targets.length) throw new GatewayError('invalid_request', `${field} names ${k.noun} that do not exist in this organisation`, { field });
  const now = nowIso();
  const rows = keys.flatMap((key) => targets.map((t) => ({ api_key_id: key, [k.column]: t, organisation_id: orgId, created_at: now })));
  await db.insertInto(k.table).values(rows as never).onConflict((oc) => oc.columns(['api_key_id', k.column] as never).doNothing()).execute();
  return rows.length;
}

/** Removes one grant; 404 when there was none. */
export async function removeGrant(db: Kysely<Database>, orgId: string, kind: GrantKind, keyId: string, targetId: string): Promise<void> {
  const k = KINDS[kind];
  const r = await db.deleteFrom(k.table).where('organisation_id', '=', orgId).where('api_key_id', '=', keyId).where(k.column as never, '=', targetId as never).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw new GatewayError('not_found', 'Grant not found');
}
