import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../../crypto/passwords.ts';
import { sha256Hex } from '../../crypto/tokens.ts';
import { nowIso, openStore, type Store } from '../../store/db.ts';
import { identityRepos, identityTransaction, type IdentityRepos, type InTransaction } from '../../store/repos/identity.repos.ts';
import { createCredentialVerifier } from '../auth/credentials.ts';
import { LoginThrottle } from '../auth/login-throttle.ts';
import type { Operator } from '../auth/operator-auth.ts';

/**
 * A real, migrated SQLite store in a temp directory, for the identity services' unit tests
 * (no database mocks), with the repositories and a few records to start from.
 */
export interface IdentityStore {
  store: Store;
  repos: IdentityRepos;
  transaction: InTransaction<IdentityRepos>;
  /** The organisations whose cache entries a service dropped, in order. */
  invalidated: string[];
  invalidateOrg(orgId: string): Promise<void>;
  close(): Promise<void>;
}

export async function openIdentityStore(): Promise<IdentityStore> {
  const dir = mkdtempSync(join(tmpdir(), 'odock-identity-'));
  const store = openStore({ databaseUrl: `sqlite:${join(dir, 'odock.db')}` });
  await store.migrate();
  const invalidated: string[] = [];
  return {
    store,
    repos: identityRepos(store.db),
    transaction: identityTransaction(store.db),
    invalidated,
    invalidateOrg: async (orgId) => {
      invalidated.push(orgId);
    },
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A login-shaped verifier over the store (its own in-process throttle). */
export const verifierOf = (s: IdentityStore, maxFailures = 5) =>
  createCredentialVerifier({ operators: s.repos.operators, throttle: new LoginThrottle({ maxFailures, windowSeconds: 60 }) });

export async function addOrg(s: IdentityStore, name = 'Acme'): Promise<string> {
  const id = randomUUID();
  const now = nowIso();
  await s.repos.organisations.insert({ id, name, policies: '{}', created_at: now, updated_at: now });
  return id;
}

export async function addOperator(s: IdentityStore, email: string, opts: { password?: string; superAdmin?: boolean; mustChange?: boolean } = {}): Promise<Operator> {
  const id = randomUUID();
  await s.repos.operators.insert({
    id, email, name: email.split('@')[0], password_hash: await hashPassword(opts.password ?? 'correct horse'),
    super_admin: opts.superAdmin ? 1 : 0, must_change_password: opts.mustChange ? 1 : 0, created_at: nowIso(),
  });
  return { id, email, name: email.split('@')[0], superAdmin: !!opts.superAdmin, via: 'token' };
}

/** A member record of the organisation, linked to a login when `operatorId` is given. */
export async function addMember(s: IdentityStore, orgId: string, email: string, role: string, operatorId: string | null = null): Promise<string> {
  const id = randomUUID();
  const now = nowIso();
  await s.repos.users.insert({ id, organisation_id: orgId, email, name: email.split('@')[0], role, operator_id: operatorId, created_at: now, updated_at: now });
  return id;
}

/** A live session of the operator; answers its id hash. */
export async function addSession(s: IdentityStore, operatorId: string): Promise<string> {
  const idHash = sha256Hex(randomUUID());
  await s.repos.sessions.insert({ id_hash: idHash, operator_id: operatorId, expires_at: new Date(Date.now() + 3600_000).toISOString(), created_at: nowIso() });
  return idHash;
}

/** Which of these sessions are still open, and how many live access tokens the operator has. */
export async function credentialsOf(s: IdentityStore, operatorId: string, sessionHashes: string[]): Promise<{ sessions: string[]; tokens: number }> {
  const open: string[] = [];
  for (const h of sessionHashes) if ((await s.repos.sessions.findWithOperator(h))?.id === operatorId) open.push(h);
  const tokens = await s.repos.operatorTokens.listLivePageOfOperator(operatorId, nowIso(), { limit: 500 });
  return { sessions: open, tokens: tokens.length };
}

/** A live access token of the operator (as if created by the operator-tokens service). */
export async function addToken(s: IdentityStore, operatorId: string): Promise<string> {
  const id = randomUUID();
  await s.repos.operatorTokens.insert({
    id, operator_id: operatorId, name: 'script', token_hash: sha256Hex(randomUUID()), preview: 'abcd',
    created_at: nowIso(), last_used_at: null, expires_at: new Date(Date.now() + 86_400_000).toISOString(),
  });
  return id;
}

/** For assert.rejects: a GatewayError with this code (and field, when given). */
export const gatewayError = (code: string, field?: string) => (e: unknown): boolean => {
  const err = e as { name?: string; code?: string; extra?: { field?: unknown } };
  if (err?.name !== 'GatewayError' || err.code !== code) throw e;
  if (field !== undefined && err.extra?.field !== field) throw e;
  return true;
};
