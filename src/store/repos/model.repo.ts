import type { Kysely } from 'kysely';
import type { Database, ModelTable } from '../schema.ts';
import { pageQuery, type PageParams } from './paging.ts';

export interface ModelFilter {
  providerId?: string;
  type?: string;
  /** Substring of the name or the slug. */
  q?: string;
}

/** Models of an organisation. */
export function modelRepo(db: Kysely<Database>) {
  return {
    listPage(orgId: string, f: ModelFilter, p: PageParams): Promise<ModelTable[]> {
      let q = db.selectFrom('models').selectAll().where('organisation_id', '=', orgId);
      if (f.providerId) q = q.where('provider_id', '=', f.providerId);
      if (f.type) q = q.where('type', '=', f.type);
      if (f.q) {
        const like = `%${f.q}%`;
        q = q.where((eb) => eb.or([eb('name', 'like', like), eb('slug', 'like', like)]));
      }
      return pageQuery(q, 'models', p).execute();
    },
    find(orgId: string, modelId: string): Promise<ModelTable | undefined> {
      return db.selectFrom('models').selectAll().where('organisation_id', '=', orgId).where('id', '=', modelId).executeTakeFirst();
    },
    async insert(row: ModelTable): Promise<void> {
      await db.insertInto('models').values(row).execute();
    },
    /** All or nothing: one transaction. */
    async insertAll(rows: ModelTable[]): Promise<void> {
      await db.transaction().execute(async (tx) => {
        for (const r of rows) await tx.insertInto('models').values(r).execute();
      });
    },
    async update(orgId: string, modelId: string, set: Partial<ModelTable>): Promise<void> {
      await db.updateTable('models').set(set).where('id', '=', modelId).where('organisation_id', '=', orgId).execute();
    },
    async delete(orgId: string, modelId: string): Promise<void> {
      await db.deleteFrom('models').where('id', '=', modelId).where('organisation_id', '=', orgId).execute();
    },
  };
}
export type ModelRepo = ReturnType<typeof modelRepo>;
