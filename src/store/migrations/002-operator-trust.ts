import { sql, type Kysely } from 'kysely';

/**
 * Operators join organisations by invitation, not by sharing an email with a member record:
 * `users.operator_id` is the login a membership belongs to (NULL: a member without console access).
 * Access tokens expire; a super-admin reset forces the operator to choose a new password.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const s = db.schema;
  await s.alterTable('users').addColumn('operator_id', 'text', (c) => c.references('operators.id').onDelete('set null')).execute();
  await s.createIndex('users_operator').on('users').column('operator_id').execute();
  // Existing deployments keep the access they had: a member whose email has a login is that login's.
  await sql`UPDATE users SET operator_id = (SELECT operators.id FROM operators WHERE operators.email = users.email)`.execute(db);

  await s.alterTable('operators').addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  await s.alterTable('operator_tokens').addColumn('expires_at', 'text').execute();
  // Tokens made before expiry existed get the default lifetime from now, not eternity.
  const ninetyDays = new Date(Date.now() + 90 * 86_400_000).toISOString();
  await sql`UPDATE operator_tokens SET expires_at = ${ninetyDays} WHERE expires_at IS NULL`.execute(db);

  await s.createTable('invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('invited_by', 'text', (c) => c.references('operators.id').onDelete('set null'))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('invitations_org').on('invitations').columns(['organisation_id', 'email']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('invitations').execute();
  await db.schema.alterTable('operator_tokens').dropColumn('expires_at').execute();
  await db.schema.alterTable('operators').dropColumn('must_change_password').execute();
  await db.schema.dropIndex('users_operator').execute();
  await db.schema.alterTable('users').dropColumn('operator_id').execute();
}
