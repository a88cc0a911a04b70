/**
 * The action and target of an admin call, read from the route it matched, so a route added
 * later is audited without anyone remembering to: `POST /organisations/:orgId/api-keys` →
 * `api_key.create`; `POST …/api-keys/:keyId/revoke` → `api_key.revoke` on that key;
 * `DELETE …/api-keys/:keyId/model-access/:modelId` → `api_key.model_access.delete` on the key.
 * A few routes read better with a name of their own (OVERRIDES).
 */
export interface AuditTarget {
  action: string;
  targetType?: string;
  /** The path parameter naming the target, when the route has one. */
  targetParam?: string;
  /** The route path of the target record (its GET), to snapshot before and after the change. */
  recordUrl?: string;
}

const VERB: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'update', DELETE: 'delete' };

const OVERRIDES: Record<string, Omit<AuditTarget, 'recordUrl'>> = {
  'POST /auth/login': { action: 'auth.login' },
  'POST /auth/logout': { action: 'auth.logout' },
  'POST /auth/password': { action: 'operator.password_change', targetType: 'operator' },
  'POST /auth/tokens': { action: 'operator_token.create', targetType: 'operator_token' },
  'DELETE /auth/tokens/:tokenId': { action: 'operator_token.delete', targetType: 'operator_token', targetParam: 'tokenId' },
  'POST /auth/invitations/accept': { action: 'invitation.accept', targetType: 'invitation' },
  'POST /organisations/:orgId/providers/:providerId/keys': { action: 'provider_key.create', targetType: 'provider_key' },
  'DELETE /organisations/:orgId/providers/:providerId/keys/:keyId': { action: 'provider_key.delete', targetType: 'provider_key', targetParam: 'keyId' },
  'POST /organisations/:orgId/providers/:providerId/keys/:keyId/revoke': { action: 'provider_key.revoke', targetType: 'provider_key', targetParam: 'keyId' },
  'DELETE /organisations/:orgId/invitations/:invitationId': { action: 'invitation.revoke', targetType: 'invitation', targetParam: 'invitationId' },
  'POST /organisations/:orgId/models/batch': { action: 'model.create_batch', targetType: 'model' },
};

/** `api-keys` → `api_key`, `policies` → `policy`. */
export const singular = (segment: string): string =>
  segment.replace(/-/g, '_').replace(/ies$/, 'y').replace(/(?<!s)s$/, '');

/** `routeUrl` is the route as registered below /api, e.g. `/organisations/:orgId/api-keys/:keyId`. */
export function auditTargetOf(method: string, routeUrl: string): AuditTarget {
  const override = OVERRIDES[`${method} ${routeUrl}`];
  if (override) return override;
  const segments = routeUrl.split('/').filter(Boolean);
  // The organisation itself is the target only of `/organisations/:orgId` and `/organisations`.
  const scoped = segments[0] === 'organisations' && segments[1] === ':orgId' && segments.length > 2;
  const rest = scoped ? segments.slice(2) : segments;
  const base = scoped ? '/organisations/:orgId' : '';
  const firstParam = rest.findIndex((s) => s.startsWith(':'));
  const verb = VERB[method] ?? method.toLowerCase();
  if (firstParam <= 0) {
    // A collection: `POST /api-keys` creates; `/models/batch`-like literal tails name the action.
    const type = singular(rest[0] ?? 'deployment');
    const tail = rest.slice(1).map((s) => s.replace(/-/g, '_'));
    return { action: [type, ...(tail.length ? tail : [verb])].join('.'), targetType: type };
  }
  const type = singular(rest[firstParam - 1]);
  const param = rest[firstParam].slice(1);
  const tail = rest.slice(firstParam + 1).filter((s) => !s.startsWith(':')).map((s) => s.replace(/-/g, '_'));
  const endsWithParam = rest.length > firstParam + 1 && rest[rest.length - 1].startsWith(':');
  // `/api-keys/:keyId/revoke` (POST) is a verb; `/api-keys/:keyId/model-access` a sub-collection.
  const suffix = tail.length === 0 ? [verb] : endsWithParam || method !== 'POST' ? [...tail, verb] : tail.length === 1 && !SUB_COLLECTIONS.has(tail[0]) ? tail : [...tail, verb];
  return {
    action: [type, ...suffix].join('.'),
    targetType: type,
    targetParam: param,
    recordUrl: `${base}/${rest.slice(0, firstParam + 1).join('/')}`,
  };
}

// POSTs to these add to a record's list (a grant, a member); any other single literal is a verb (revoke, rotate, reveal).
const SUB_COLLECTIONS = new Set(['model_access', 'mcp_access', 'api_keys', 'members', 'keys', 'models', 'invitations']);
