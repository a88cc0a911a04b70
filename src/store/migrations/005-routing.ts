import type { Kysely } from 'kysely';

/**
 * Routing (issue 14): extra deployments of a model, routing rules (organisation-wide or per key),
 * and on each usage record the attempts made and whether the call was rerouted. Portable column
 * types only, as in 001, so one source serves SQLite and PostgreSQL.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const s = db.schema;
  await s.createTable('model_deployments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('model_id', 'text', (c) => c.notNull().references('models.id').onDelete('cascade'))
    .addColumn('provider_id', 'text', (c) => c.notNull().references('providers.id').onDelete('cascade'))
    // A deployment without its key cannot be called: it goes with the key.
    .addColumn('provider_api_key_id', 'text', (c) => c.notNull().references('provider_keys.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('weight', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('model_deployments_org_model').on('model_deployments').columns(['organisation_id', 'model_id']).execute();

  await s.createTable('routing_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('model_id', 'text', (c) => c.notNull().references('models.id').onDelete('cascade'))
    .addColumn('api_key_id', 'text', (c) => c.references('api_keys.id').onDelete('cascade'))
    .addColumn('strategy', 'text', (c) => c.notNull())
    .addColumn('candidates', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('failover_on', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('retry_delay_ms', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('routing_rules_org_model').on('routing_rules').columns(['organisation_id', 'model_id']).execute();

  await s.alterTable('usage_records').addColumn('attempts', 'text').execute();
  await s.alterTable('usage_records').addColumn('rerouted', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(): Promise<void> {
  throw new Error('down migrations are not supported; restore from backup');
}
