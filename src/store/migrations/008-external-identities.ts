import type { Kysely } from 'kysely';

/**
 * Company sign-in. `external_identities` links an identity at a provider (issuer + subject, the
 * pair OpenID Connect says is stable and unique; GitHub's numeric user id) to one operator.
 * `sso_login_flows` holds a sign-in in progress (PKCE verifier, nonce) by the hash of its `state`,
 * shared by every instance and consumed once by the callback.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const s = db.schema;
  await s.createTable('external_identities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('operator_id', 'text', (c) => c.notNull().references('operators.id').onDelete('cascade'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_login_at', 'text')
    .addUniqueConstraint('external_identities_issuer_subject', ['issuer', 'subject'])
    .execute();
  await s.createIndex('external_identities_operator').on('external_identities').column('operator_id').execute();

  await s.createTable('sso_login_flows')
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    // Set when a logged-in operator links this identity to their own login (explicit linking).
    .addColumn('link_operator_id', 'text', (c) => c.references('operators.id').onDelete('cascade'))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sso_login_flows').execute();
  await db.schema.dropTable('external_identities').execute();
}
