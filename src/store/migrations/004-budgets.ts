import type { CreateTableBuilder, Kysely } from 'kysely';

/** The columns budgets and quotas share: whose limit it is and how its periods run. */
const owned = <T extends string>(t: CreateTableBuilder<T>) => t
  .addColumn('id', 'text', (c) => c.primaryKey())
  .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
  .addColumn('owner_type', 'text', (c) => c.notNull())
  .addColumn('owner_id', 'text', (c) => c.notNull())
  .addColumn('period', 'text', (c) => c.notNull())
  .addColumn('timezone', 'text', (c) => c.notNull());

/**
 * Budgets, quotas, their threshold alerts, organisation webhooks and the webhook outbox
 * (product.md, "Budgets and quotas"). MCP servers get an optional price per tool call and MCP
 * usage records the cost, so tool calls count in budgets.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const s = db.schema;
  await owned(s.createTable('budgets'))
    .addColumn('amount_nano_usd', 'bigint', (c) => c.notNull())
    .addColumn('rollover', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('thresholds', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('budgets_org_owner').on('budgets').columns(['organisation_id', 'owner_type', 'owner_id']).execute();

  await owned(s.createTable('quotas'))
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('limit_value', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('quotas_org_owner').on('quotas').columns(['organisation_id', 'owner_type', 'owner_id']).execute();

  // One row per budget, period and threshold: the unique key is what makes an alert fire once,
  // whichever instance sees the crossing first.
  await s.createTable('budget_alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('budget_id', 'text', (c) => c.notNull().references('budgets.id').onDelete('cascade'))
    .addColumn('period_start', 'text', (c) => c.notNull())
    .addColumn('threshold', 'integer', (c) => c.notNull())
    .addColumn('spent_nano_usd', 'bigint', (c) => c.notNull())
    .addColumn('limit_nano_usd', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('budget_alerts_once', ['budget_id', 'period_start', 'threshold'])
    .execute();
  await s.createIndex('budget_alerts_org_time').on('budget_alerts').columns(['organisation_id', 'created_at']).execute();

  await s.createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret_ciphertext', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('webhooks_org').on('webhooks').column('organisation_id').execute();

  // The outbox: a delivery is written with the alert and sent by whichever instance claims it.
  await s.createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'text')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
  await s.createIndex('webhook_deliveries_hook').on('webhook_deliveries').columns(['webhook_id', 'created_at']).execute();

  await s.alterTable('mcp_servers').addColumn('price_nano_usd', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await s.alterTable('mcp_usage_records').addColumn('cost_nano_usd', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(): Promise<void> {
  throw new Error('down migrations are not supported; restore from backup');
}
