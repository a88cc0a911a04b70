import { GatewayError } from '../../errors/index.ts';
import { nowIso } from '../../store/db.ts';
import type { PageParams } from '../../store/repos/paging.ts';
import type { GrantKind, GrantRepo } from '../../store/repos/grant.repo.ts';
import type { Invalidate } from '../shared/service-deps.ts';

export type { GrantKind };

const TARGET = {
  model: { noun: 'models', notFound: 'Model not found', field: 'modelIds' },
  mcp: { noun: 'servers', notFound: 'MCP server not found', field: 'mcpServerIds' },
} as const;

export interface GrantServiceDeps {
  grants: Pick<GrantRepo, 'keysInOrg' | 'targetsInOrg' | 'insertPairs' | 'delete' | 'modelsOfKey' | 'serversOfKey' | 'keysOfModel' | 'keysOfServer'>;
  invalidate: Invalidate;
}

/**
 * Model grants (key × model) and MCP grants (key × server), from either side: the key's Model
 * and MCP Access tabs, and a model's or server's API keys. Neither kind implies the other. A
 * grant only ever joins records of one organisation, and every change reaches the gateway's caches.
 */
export function createGrantService({ grants, invalidate }: GrantServiceDeps) {
  const requireKey = async (orgId: string, keyId: string) => {
    if ((await grants.keysInOrg(orgId, [keyId])).length === 0) throw new GatewayError('not_found', 'API key not found');
  };
  const requireTarget = async (orgId: string, kind: GrantKind, targetId: string) => {
    if ((await grants.targetsInOrg(orgId, kind, [targetId])).length === 0) throw new GatewayError('not_found', TARGET[kind].notFound);
  };

  /**
   * Grants every key every target, all or nothing: each id must name a record of this
   * organisation (else 400 naming `field`), so a grant across organisations cannot exist.
   * Existing grants are kept as they are.
   */
  const add = async (orgId: string, kind: GrantKind, keyIds: string[], targetIds: string[], field: string): Promise<number> => {
    const keys = [...new Set(keyIds)];
    const targets = [...new Set(targetIds)];
    const [foundKeys, foundTargets] = await Promise.all([grants.keysInOrg(orgId, keys), grants.targetsInOrg(orgId, kind, targets)]);
    if (foundKeys.length !== keys.length) throw new GatewayError('invalid_request', `${field} names keys that do not exist in this organisation`, { field });
    if (foundTargets.length !== targets.length) throw new GatewayError('invalid_request', `${field} names ${TARGET[kind].noun} that do not exist in this organisation`, { field });
    const granted = await grants.insertPairs(orgId, kind, keys, targets, nowIso());
    await invalidate({ kind: 'org', orgId });
    return granted;
  };

  const remove = async (orgId: string, kind: GrantKind, keyId: string, targetId: string): Promise<void> => {
    if (!(await grants.delete(orgId, kind, keyId, targetId))) throw new GatewayError('not_found', 'Grant not found');
    await invalidate({ kind: 'org', orgId });
  };

  return {
    async modelsOfKey(orgId: string, keyId: string, p: PageParams) {
      await requireKey(orgId, keyId);
      return grants.modelsOfKey(orgId, keyId, p);
    },
    async serversOfKey(orgId: string, keyId: string, p: PageParams) {
      await requireKey(orgId, keyId);
      return grants.serversOfKey(orgId, keyId, p);
    },
    async keysOfTarget(orgId: string, kind: GrantKind, targetId: string, p: PageParams) {
      await requireTarget(orgId, kind, targetId);
      return kind === 'model' ? grants.keysOfModel(orgId, targetId, p) : grants.keysOfServer(orgId, targetId, p);
    },
    /** From the key's side: the body names targets (`modelIds` / `mcpServerIds`). */
    async grantToKey(orgId: string, kind: GrantKind, keyId: string, targetIds: string[]): Promise<number> {
      await requireKey(orgId, keyId);
      return add(orgId, kind, [keyId], targetIds, TARGET[kind].field);
    },
    /** From the model's or server's side: the body names keys (`apiKeyIds`). */
    async grantToTarget(orgId: string, kind: GrantKind, targetId: string, keyIds: string[]): Promise<number> {
      await requireTarget(orgId, kind, targetId);
      return add(orgId, kind, keyIds, [targetId], 'apiKeyIds');
    },
    async revokeFromKey(orgId: string, kind: GrantKind, keyId: string, targetId: string): Promise<void> {
      await requireKey(orgId, keyId);
      await remove(orgId, kind, keyId, targetId);
    },
    /** The target need not exist any more: a missing grant is the 404. */
    revokeFromTarget(orgId: string, kind: GrantKind, targetId: string, keyId: string): Promise<void> {
      return remove(orgId, kind, keyId, targetId);
    },
  };
}
export type GrantService = ReturnType<typeof createGrantService>;
