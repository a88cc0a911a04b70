import { randomBytes, randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors/index.ts';
import { sha256Hex } from '../../crypto/tokens.ts';
import { nowIso } from '../../store/db.ts';
import type { OperatorTokenTable } from '../../store/schema.ts';
import type { OperatorTokenRepo } from '../../store/repos/operator-token.repo.ts';
import type { PageParams } from '../shared/validation.ts';
import { OPERATOR_TOKEN_PREFIX } from '../auth/operator-auth.ts';

export interface OperatorTokenServiceDeps {
  operatorTokens: Pick<OperatorTokenRepo, 'listLivePageOfOperator' | 'listLivePageOfOrganisation' | 'insert' | 'deleteOfOperator' | 'deleteInOrganisation'>;
  /** OPERATOR_TOKEN_TTL_DAYS: the default, and the longest a token may live. */
  ttlDays: number;
}

/**
 * Operator access tokens: an operator's own (for scripts), and, for an organisation's admins,
 * those of its members (who can act on it from a script; end a leaver's or a leaked one). Only
 * live tokens are listed; the token itself is shown once, at creation, and only its hash is kept.
 */
export function createOperatorTokenService(deps: OperatorTokenServiceDeps) {
  return {
    listOwn: (operatorId: string, page: PageParams) => deps.operatorTokens.listLivePageOfOperator(operatorId, nowIso(), page),

    async create(operatorId: string, input: { name: string; expiresInDays?: number }): Promise<{ row: OperatorTokenTable; token: string }> {
      const token = OPERATOR_TOKEN_PREFIX + randomBytes(32).toString('base64url');
      const now = new Date();
      const expires = new Date(now.getTime() + (input.expiresInDays ?? deps.ttlDays) * 86_400_000).toISOString();
      const row: OperatorTokenTable = {
        id: randomUUID(), operator_id: operatorId, name: input.name, token_hash: sha256Hex(token), preview: token.slice(-4),
        created_at: now.toISOString(), last_used_at: null, expires_at: expires,
      };
      await deps.operatorTokens.insert(row);
      return { row, token };
    },

    async deleteOwn(operatorId: string, tokenId: string): Promise<void> {
      if (!(await deps.operatorTokens.deleteOfOperator(tokenId, operatorId))) throw new GatewayError('not_found', 'Token not found');
    },

    listOfOrganisation: (orgId: string, page: PageParams) => deps.operatorTokens.listLivePageOfOrganisation(orgId, nowIso(), page),

    async deleteInOrganisation(orgId: string, tokenId: string): Promise<void> {
      if (!(await deps.operatorTokens.deleteInOrganisation(tokenId, orgId))) throw new GatewayError('not_found', 'Token not found');
    },
  };
}

export type OperatorTokenService = ReturnType<typeof createOperatorTokenService>;
