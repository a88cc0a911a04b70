import type { Kysely } from 'kysely';
import type { Database, OperatorTable, OperatorTokenTable } from '../schema.ts';
import type { PageParams } from './paging.ts';
import { pageQuery } from './paging.ts';

/** What is ever read back of a token: never its hash. */
export type OperatorTokenRow = Pick<OperatorTokenTable, 'id' | 'name' | 'preview' | 'created_at' | 'last_used_at' | 'expires_at'>;
export type OperatorTokenWithOwner = OperatorTokenRow & { owner_id: string; owner_email: string; owner_name: string };
export type TokenOperator = Pick<OperatorTable, 'id' | 'email' | 'name' | 'super_admin'> & { token_id: string; token_name: string };

const ROW = ['operator_tokens.id', 'operator_tokens.name', 'operator_tokens.preview', 'operator_tokens.created_at', 'operator_tokens.last_used_at', 'operator_tokens.expires_at'] as const;

/** Operator access tokens (Bearer), stored by hash. `now` bounds what is still live. */
export function operatorTokenRepo(db: Kysely<Database>) {
  // The logins that are members of an organisation: an organisation's admins see and end their tokens.
  const membersOf = (orgId: string) => db.selectFrom('users').select('operator_id').where('organisation_id', '=', orgId).where('operator_id', 'is not', null);
  return {
    async findLiveOperator(tokenHash: string, now: string): Promise<TokenOperator | undefined> {
      return db.selectFrom('operator_tokens').innerJoin('operators', 'operators.id', 'operator_tokens.operator_id')
        .select(['operators.id', 'operators.email', 'operators.name', 'operators.super_admin', 'operator_tokens.id as token_id', 'operator_tokens.name as token_name'])
        .where('operator_tokens.token_hash', '=', tokenHash).where('operator_tokens.expires_at', '>', now).executeTakeFirst();
    },
    async touch(tokenId: string, now: string): Promise<void> {
      await db.updateTable('operator_tokens').set({ last_used_at: now }).where('id', '=', tokenId).execute();
    },
    async listLivePageOfOperator(operatorId: string, now: string, page: PageParams): Promise<OperatorTokenRow[]> {
      return pageQuery(db.selectFrom('operator_tokens').select(ROW)
        .where('operator_id', '=', operatorId).where('expires_at', '>', now), 'operator_tokens', page).execute();
    },
    async listLivePageOfOrganisation(orgId: string, now: string, page: PageParams): Promise<OperatorTokenWithOwner[]> {
      return pageQuery(db.selectFrom('operator_tokens').innerJoin('operators', 'operators.id', 'operator_tokens.operator_id')
        .select([...ROW, 'operators.id as owner_id', 'operators.email as owner_email', 'operators.name as owner_name'])
        .where('operator_tokens.operator_id', 'in', membersOf(orgId)).where('operator_tokens.expires_at', '>', now), 'operator_tokens', page).execute();
    },
    async insert(token: OperatorTokenTable): Promise<void> {
      await db.insertInto('operator_tokens').values(token).execute();
    },
    /** False when the operator has no such token. */
    async deleteOfOperator(tokenId: string, operatorId: string): Promise<boolean> {
      const r = await db.deleteFrom('operator_tokens').where('id', '=', tokenId).where('operator_id', '=', operatorId).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    /** False when no member of the organisation has such a token. */
    async deleteInOrganisation(tokenId: string, orgId: string): Promise<boolean> {
      const r = await db.deleteFrom('operator_tokens').where('id', '=', tokenId).where('operator_id', 'in', membersOf(orgId)).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async deleteAllOfOperator(operatorId: string): Promise<void> {
      await db.deleteFrom('operator_tokens').where('operator_id', '=', operatorId).execute();
    },
  };
}

export type OperatorTokenRepo = ReturnType<typeof operatorTokenRepo>;
