import type { Kysely } from 'kysely';
import type { Database, OrganisationTable } from '../schema.ts';
import type { PageParams } from './paging.ts';
import { pageQuery } from './paging.ts';

export type OrganisationSummary = Pick<OrganisationTable, 'id' | 'name'>;

export function organisationRepo(db: Kysely<Database>) {
  return {
    /** One page, newest first; with `memberOperatorId`, only the organisations that operator is a member of. */
    async listPage(page: PageParams, opts: { memberOperatorId?: string } = {}): Promise<OrganisationTable[]> {
      let q = db.selectFrom('organisations').selectAll('organisations');
      if (opts.memberOperatorId !== undefined) {
        q = q.where('id', 'in', db.selectFrom('users').select('organisation_id').where('operator_id', '=', opts.memberOperatorId));
      }
      return pageQuery(q, 'organisations', page).execute();
    },
    /** Every organisation, oldest first (a super-admin's organisation switcher). */
    async listAll(): Promise<OrganisationSummary[]> {
      return db.selectFrom('organisations').select(['id', 'name']).orderBy('created_at').execute();
    },
    async findById(id: string): Promise<OrganisationTable | undefined> {
      return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async exists(id: string): Promise<boolean> {
      return !!(await db.selectFrom('organisations').select('id').where('id', '=', id).executeTakeFirst());
    },
    async insert(org: OrganisationTable): Promise<void> {
      await db.insertInto('organisations').values(org).execute();
    },
    async update(id: string, set: Partial<Omit<OrganisationTable, 'id' | 'created_at'>>): Promise<void> {
      await db.updateTable('organisations').set(set).where('id', '=', id).execute();
    },
  };
}

export type OrganisationRepo = ReturnType<typeof organisationRepo>;
