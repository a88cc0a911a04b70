import { SqliteAdapter, sql, type Kysely } from 'kysely';

/**
 * A usage record is keyed by the id the gateway generates; the client's X-Request-Id is only a
 * label. 001 made `request_id` unique on both usage tables, so one client (or a key of another
 * organisation) could make later records with the same id vanish. This drops that uniqueness
 * and keeps an ordinary index for look-ups by request id.
 */
const TABLES = [
  { table: 'usage_records', index: 'usage_request_id' },
  { table: 'mcp_usage_records', index: 'mcp_usage_request_id' },
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = !(db.getExecutor().adapter instanceof SqliteAdapter);
  for (const { table, index } of TABLES) {
    if (postgres) await dropUniquePostgres(db, table);
    else await dropUniqueSqlite(db, table);
    await db.schema.createIndex(index).ifNotExists().on(table).column('request_id').execute();
  }
}

/** Drops every single-column unique constraint on request_id, whatever it was named. */
async function dropUniquePostgres(db: Kysely<unknown>, table: string): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    select c.conname as name
      from pg_constraint c
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
     where c.conrelid = to_regclass(${table}) and c.contype = 'u' and a.attname = 'request_id' and array_length(c.conkey, 1) = 1
  `.execute(db);
  for (const r of rows) await sql`alter table ${sql.table(table)} drop constraint ${sql.id(r.name)}`.execute(db);
}

/**
 * SQLite cannot drop a column's UNIQUE: the table is rebuilt from its own stored definition
 * (so columns other migrations added are kept) without it, rows copied, and its indexes and
 * triggers recreated, all in one transaction.
 */
async function dropUniqueSqlite(db: Kysely<unknown>, table: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const def = (await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = ${table}`.execute(trx)).rows[0]?.sql;
    if (!def) throw new Error(`migration 003: table ${table} not found`);
    const column = /("request_id"\s+text\s+not\s+null)\s+unique\b/i;
    if (!column.test(def)) return; // already without the constraint
    const tmp = `${table}_003`;
    const head = new RegExp(`^\\s*create\\s+table\\s+"?${table}"?`, 'i');
    if (!head.test(def)) throw new Error(`migration 003: unexpected definition of ${table}`);
    const rebuilt = def.replace(column, '$1').replace(head, `create table "${tmp}"`);
    const extras = (await sql<{ sql: string }>`select sql from sqlite_master where tbl_name = ${table} and type in ('index', 'trigger') and sql is not null`.execute(trx)).rows;
    await sql.raw(rebuilt).execute(trx);
    await sql`insert into ${sql.table(tmp)} select * from ${sql.table(table)}`.execute(trx);
    await sql`drop table ${sql.table(table)}`.execute(trx);
    await sql`alter table ${sql.table(tmp)} rename to ${sql.table(table)}`.execute(trx);
    for (const e of extras) await sql.raw(e.sql).execute(trx);
  });
}

export async function down(): Promise<void> {
  throw new Error('down migrations are not supported; restore from backup');
}
