import { SqliteAdapter, sql, type Kysely } from 'kysely';

/**
 * The audit log: one row per admin change, login, logout, failed login and operator-token use.
 * Append-only, and the database itself says so: a trigger refuses every UPDATE and DELETE (and,
 * on PostgreSQL, TRUNCATE), so neither a bug nor a stolen admin session can rewrite history.
 * No foreign keys: an entry outlives the operator, token or record it names.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const s = db.schema;
  await s.createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    // NULL: a deployment-wide entry (logins, one's own tokens), read by super-admins only.
    .addColumn('organisation_id', 'text')
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_label', 'text')
    .addColumn('operator_id', 'text')
    .addColumn('operator_email', 'text')
    .addColumn('ip', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('changes', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('audit_log_org_time').on('audit_log').columns(['organisation_id', 'created_at']).execute();
  await s.createIndex('audit_log_time').on('audit_log').column('created_at').execute();

  const postgres = !(db.getExecutor().adapter instanceof SqliteAdapter);
  if (postgres) {
    await sql`create or replace function audit_log_append_only() returns trigger language plpgsql as $$
      begin raise exception 'audit_log is append-only' using errcode = '42501'; end $$`.execute(db);
    await sql`create trigger audit_log_no_change before update or delete on audit_log for each row execute function audit_log_append_only()`.execute(db);
    await sql`create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function audit_log_append_only()`.execute(db);
  } else {
    await sql`create trigger audit_log_no_update before update on audit_log begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
    await sql`create trigger audit_log_no_delete before delete on audit_log begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('down migrations are not supported; restore from backup');
}
