import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors/index.ts';
import { nowIso } from '../../store/db.ts';
import type { ApiKeyTable } from '../../store/schema.ts';
import type { PageParams } from '../../store/repos/paging.ts';
import type { ApiKeyFilter, ApiKeyRepo } from '../../store/repos/api-key.repo.ts';
import type { Vault } from '../../crypto/envelope.ts';
import { generateVirtualKey, hashKey, maskKey } from '../../auth/key-format.ts';
import { parseExpiry, requireFuture } from '../../auth/expiry.ts';
import type { Invalidate } from '../shared/service-deps.ts';

export type KeyType = 'ORGANISATION' | 'TEAM' | 'USER';
export interface ApiKeyCreate {
  type: KeyType; teamId?: string | null; userId?: string | null; name?: string | null;
  expiry?: string | null; timezone?: string; policies?: unknown;
}
export interface ApiKeyPatch { name?: string | null; policies?: unknown; expiry?: string | null; timezone?: string }
export interface ApiKeyRotate { expiry?: string | null; timezone?: string }

export interface ApiKeyServiceDeps {
  apiKeys: Pick<ApiKeyRepo, 'listPage' | 'find' | 'teamInOrg' | 'userInOrg' | 'nameTaken' | 'insert' | 'update' | 'delete' | 'markRevealed' | 'rotate' | 'listRotations'>;
  vault: Pick<Vault, 'encrypt' | 'decrypt'>;
  invalidate: Invalidate;
}

const PENDING = 'api_key_pending';
/** Validates a timezone on its own (any fixed local time parses in a valid zone). */
const checkTimezone = (tz: string) => parseExpiry('2000-01-01T00:00', tz);

/**
 * Virtual API keys: owner rules, expiry in the owner's timezone, reveal once, rotation with
 * history, revocation. Every change that the gateway's auth cache could hold is invalidated
 * (by key hash, and the organisation's routing table) before the call returns.
 */
export function createApiKeyService({ apiKeys, vault, invalidate }: ApiKeyServiceDeps) {
  const invalidateOrg = (orgId: string) => invalidate({ kind: 'org', orgId });
  const get = async (orgId: string, keyId: string): Promise<ApiKeyTable> => {
    const k = await apiKeys.find(orgId, keyId);
    if (!k) throw new GatewayError('not_found', 'API key not found');
    return k;
  };
  const pendingContext = (orgId: string, keyId: string) => ({ organisationId: orgId, recordId: keyId, purpose: PENDING });

  /** Owner rules (seed 001): ORGANISATION → neither; TEAM → teamId, no userId; USER → userId, no teamId. */
  const checkOwner = async (orgId: string, body: ApiKeyCreate) => {
    if (body.type === 'ORGANISATION') {
      if (body.teamId) throw new GatewayError('invalid_request', 'teamId is not allowed for ORGANISATION keys', { field: 'teamId' });
      if (body.userId) throw new GatewayError('invalid_request', 'userId is not allowed for ORGANISATION keys', { field: 'userId' });
    } else if (body.type === 'TEAM') {
      if (!body.teamId) throw new GatewayError('invalid_request', 'teamId is required for TEAM keys', { field: 'teamId' });
      if (body.userId) throw new GatewayError('invalid_request', 'userId is not allowed for TEAM keys', { field: 'userId' });
      if (!(await apiKeys.teamInOrg(orgId, body.teamId))) throw new GatewayError('invalid_request', 'teamId does not name a team of this organisation', { field: 'teamId' });
    } else {
      if (!body.userId) throw new GatewayError('invalid_request', 'userId is required for USER keys', { field: 'userId' });
      if (body.teamId) throw new GatewayError('invalid_request', 'teamId is not allowed for USER keys', { field: 'teamId' });
      if (!(await apiKeys.userInOrg(orgId, body.userId))) throw new GatewayError('invalid_request', 'userId does not name a user of this organisation', { field: 'userId' });
    }
  };

  /** Names tell keys apart in lists, usage and the playground: one name, one key per organisation. */
  const checkName = async (orgId: string, name: string | null | undefined, exceptKeyId?: string) => {
    if (name && (await apiKeys.nameTaken(orgId, name, exceptKeyId))) {
      throw new GatewayError('api_key_name_taken', `Another API key of this organisation is already named "${name}"; choose another name`, { field: 'name' });
    }
  };

  return {
    get,
    list: (orgId: string, f: ApiKeyFilter, p: PageParams) => apiKeys.listPage(orgId, f, p),

    async create(orgId: string, operatorId: string, body: ApiKeyCreate): Promise<ApiKeyTable> {
      await checkOwner(orgId, body);
      await checkName(orgId, body.name);
      const timezone = body.timezone ?? 'UTC';
      let expiry: { utc: string; local: string } | null = null;
      if (body.expiry) {
        expiry = parseExpiry(body.expiry, timezone);
        requireFuture(expiry.utc);
      } else checkTimezone(timezone);

      const secret = generateVirtualKey();
      const keyId = randomUUID();
      const now = nowIso();
      const row: ApiKeyTable = {
        id: keyId, organisation_id: orgId, type: body.type, team_id: body.teamId ?? null, user_id: body.userId ?? null, name: body.name ?? null,
        key_hash: hashKey(secret), key_last4: secret.slice(-4),
        // Kept encrypted only until the one reveal, then erased.
        pending_secret: vault.encrypt(secret, pendingContext(orgId, keyId)),
        expiry: expiry?.utc ?? null, expiry_local: expiry?.local ?? null, timezone, revealed: 0, revoked: 0,
        policies: JSON.stringify(body.policies ?? {}), created_by: operatorId, created_at: now, updated_at: now, last_used_at: null,
      };
      await apiKeys.insert(row);
      // A negative cache entry for this hash (someone tried the key early) must not outlive creation.
      await invalidate({ kind: 'hash', hash: row.key_hash });
      return row;
    },

    async update(orgId: string, keyId: string, body: ApiKeyPatch): Promise<ApiKeyTable> {
      const k = await get(orgId, keyId);
      const set: Partial<ApiKeyTable> = { updated_at: nowIso() };
      if (body.name !== undefined) {
        await checkName(orgId, body.name, keyId);
        set.name = body.name;
      }
      if (body.policies !== undefined) set.policies = JSON.stringify(body.policies);
      if (body.timezone !== undefined || body.expiry !== undefined) {
        const tz = body.timezone ?? k.timezone;
        const text = body.expiry === undefined ? k.expiry_local : body.expiry;
        if (text) {
          const e = parseExpiry(text, tz);
          if (body.expiry !== undefined) requireFuture(e.utc);
          Object.assign(set, { expiry: e.utc, expiry_local: e.local });
        } else {
          checkTimezone(tz);
          Object.assign(set, { expiry: null, expiry_local: null });
        }
        set.timezone = tz;
      }
      await apiKeys.update(orgId, keyId, set);
      await invalidateOrg(orgId);
      return get(orgId, keyId);
    },

    async remove(orgId: string, keyId: string): Promise<void> {
      const k = await get(orgId, keyId);
      await apiKeys.delete(orgId, keyId);
      await invalidate({ kind: 'hash', hash: k.key_hash });
      await invalidateOrg(orgId);
    },

    /** The secret, once: afterwards (or from a concurrent second call) only the masked form. */
    async reveal(orgId: string, keyId: string): Promise<{ key: string; maskedKey: string }> {
      const k = await get(orgId, keyId);
      const already = () => new GatewayError('api_key_already_revealed', 'This API key was already revealed; only its masked value can be shown', { maskedKey: maskKey(k.key_last4) });
      if (k.revealed || !k.pending_secret) throw already();
      const secret = vault.decrypt(k.pending_secret, pendingContext(orgId, keyId));
      if (!(await apiKeys.markRevealed(orgId, keyId, nowIso()))) throw already();
      return { key: secret, maskedKey: maskKey(k.key_last4) };
    },

    async rotate(orgId: string, keyId: string, rotatedBy: string, body: ApiKeyRotate): Promise<ApiKeyTable> {
      const k = await get(orgId, keyId);
      if (k.revoked) throw new GatewayError('conflict', 'A revoked API key cannot be rotated; unrevoke it first');
      const tz = body.timezone ?? k.timezone;
      let expiry: { utc: string; local: string } | null;
      if (body.expiry) {
        expiry = parseExpiry(body.expiry, tz);
        requireFuture(expiry.utc);
      } else if (body.expiry === null) expiry = null;
      // Not given: keep the current expiry while it lies ahead; an expired key gets none.
      // Parsing it again validates a newly given timezone and shows the instant in it.
      else expiry = k.expiry && Date.parse(k.expiry) > Date.now() ? parseExpiry(k.expiry, tz) : null;
      if (!expiry) checkTimezone(tz);
      const secret = generateVirtualKey();
      const now = nowIso();
      await apiKeys.rotate(orgId, keyId, {
        key_hash: hashKey(secret), key_last4: secret.slice(-4), pending_secret: vault.encrypt(secret, pendingContext(orgId, keyId)),
        revealed: 0, expiry: expiry?.utc ?? null, expiry_local: expiry?.local ?? null, timezone: tz, updated_at: now,
      }, {
        id: randomUUID(), organisation_id: orgId, api_key_id: keyId, rotated_at: now, masked_old_key: maskKey(k.key_last4),
        old_expiry: k.expiry, new_expiry: expiry?.utc ?? null, rotated_by: rotatedBy,
      });
      await invalidate({ kind: 'hash', hash: k.key_hash });
      await invalidate({ kind: 'hash', hash: hashKey(secret) });
      await invalidateOrg(orgId);
      return get(orgId, keyId);
    },

    async setRevoked(orgId: string, keyId: string, revoked: boolean): Promise<ApiKeyTable> {
      const k = await get(orgId, keyId);
      await apiKeys.update(orgId, keyId, { revoked: revoked ? 1 : 0, updated_at: nowIso() });
      await invalidate({ kind: 'hash', hash: k.key_hash });
      await invalidateOrg(orgId);
      return get(orgId, keyId);
    },

    async rotations(orgId: string, keyId: string) {
      await get(orgId, keyId);
      return apiKeys.listRotations(orgId, keyId);
    },
  };
}
export type ApiKeyService = ReturnType<typeof createApiKeyService>;
