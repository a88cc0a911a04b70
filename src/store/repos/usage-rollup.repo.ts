import { SqliteAdapter, sql, type Kysely, type Transaction } from 'kysely';
import type { Database, McpUsageRecordTable, UsageRecordTable } from '../schema.ts';
import { IDS_MARKER, RETENTION_TARGETS, ROLLUP_SQL, retentionScope, type RetentionTarget } from '../usage-rollup.sql.ts';

type RawTable = keyof typeof ROLLUP_SQL;
type RawRow<T extends RawTable> = T extends 'usage_records' ? UsageRecordTable : McpUsageRecordTable;

const isSqlite = (db: Kysely<Database>) => db.getExecutor().adapter instanceof SqliteAdapter;

/** Folds the rows with these ids (just inserted, same transaction) into their rollups. */
async function rollUp(trx: Transaction<Database>, table: RawTable, ids: string[], sqlite: boolean): Promise<void> {
  const [head, tail] = ROLLUP_SQL[table].split(IDS_MARKER);
  const json = JSON.stringify(ids);
  const filter = sqlite ? sql`r.id in (select value from json_each(${json}))` : sql`r.id in (select json_array_elements_text(cast(${json} as json)))`;
  await sql`${sql.raw(head)}${filter}${sql.raw(tail)}`.execute(trx);
}

/**
 * Raw usage rows and their rollups, written in one transaction: the rows a batch inserts (ids
 * already written are skipped, so a retried batch adds nothing twice) and the rollup upserts
 * for exactly those rows. The SQLite worker thread does the same with the same rollup SQL.
 */
export function usageRollupRepo(db: Kysely<Database>) {
  const sqlite = isSqlite(db);
  return {
    async insertWithRollups<T extends RawTable>(table: T, rows: RawRow<T>[]): Promise<void> {
      if (rows.length === 0) return;
      await db.transaction().execute(async (trx) => {
        // Kysely cannot type a table chosen at run time; both tables have an `id` primary key.
        const q = trx.insertInto(table as 'usage_records').values(rows as UsageRecordTable[]).onConflict((oc) => oc.column('id').doNothing()).returning('id');
        const ids = (await q.execute()).map((r) => r.id);
        if (ids.length > 0) await rollUp(trx, table, ids, sqlite);
      });
    },

    /** Deletes up to `limit` rows of one organisation older than `before`; answers how many went. */
    async deleteSlice(target: RetentionTarget, orgId: string, before: string, limit: number): Promise<number> {
      const t = RETENTION_TARGETS[target];
      if (!t) throw new Error('unexpected retention target');
      const row = sqlite ? sql.raw('rowid') : sql.raw('ctid');
      const r = await sql`delete from ${sql.table(t.table)} where ${row} in (select ${row} from ${sql.table(t.table)} where organisation_id = ${orgId}${sql.raw(retentionScope(t))} and ${sql.ref(t.column)} < ${before} limit ${limit})`.execute(db);
      return Number(r.numAffectedRows ?? 0);
    },

    async organisationIds(): Promise<string[]> {
      return (await db.selectFrom('organisations').select('id').execute()).map((r) => r.id);
    },
  };
}
export type UsageRollupRepo = ReturnType<typeof usageRollupRepo>;
