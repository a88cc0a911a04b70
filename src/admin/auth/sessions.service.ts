import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../crypto/tokens.ts';
import type { SessionRepo } from '../../store/repos/session.repo.ts';
import type { OperatorTokenRepo } from '../../store/repos/operator-token.repo.ts';

export interface SessionServiceDeps {
  sessions: Pick<SessionRepo, 'insert' | 'delete'>;
  ttlHours: number;
}

/** Console sessions: the cookie value is handed out once; only its hash is stored. */
export function createSessionService(deps: SessionServiceDeps) {
  return {
    async open(operatorId: string): Promise<{ sid: string; maxAgeSeconds: number }> {
      const sid = randomBytes(32).toString('base64url');
      const now = new Date();
      const expires = new Date(now.getTime() + deps.ttlHours * 3600_000).toISOString();
      await deps.sessions.insert({ id_hash: sha256Hex(sid), operator_id: operatorId, expires_at: expires, created_at: now.toISOString() });
      return { sid, maxAgeSeconds: deps.ttlHours * 3600 };
    },
    async end(sid: string): Promise<void> {
      await deps.sessions.delete(sha256Hex(sid));
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;

export interface CredentialHolders {
  sessions: Pick<SessionRepo, 'deleteForOperator'>;
  operatorTokens: Pick<OperatorTokenRepo, 'deleteAllOfOperator'>;
}

/**
 * Ends what an operator's old credentials opened: every session (but the one named, which just
 * proved the new password) and every access token. Run it in the transaction that changes them.
 */
export async function endCredentials(repos: CredentialHolders, operatorId: string, keepSessionHash?: string): Promise<void> {
  await repos.sessions.deleteForOperator(operatorId, keepSessionHash);
  await repos.operatorTokens.deleteAllOfOperator(operatorId);
}
