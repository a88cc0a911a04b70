import type { Kysely } from 'kysely';
import type { Database, WebhookDeliveryTable, WebhookTable } from '../schema.ts';
import { pageQuery, type PageParams } from './paging.ts';

/** Organisation webhooks and their deliveries (the outbox the dispatcher sends from). */
export function webhookRepo(db: Kysely<Database>) {
  return {
    list: (orgId: string, page: PageParams) => pageQuery(db.selectFrom('webhooks').selectAll().where('organisation_id', '=', orgId), 'webhooks', page).execute(),
    find: (orgId: string, id: string) => db.selectFrom('webhooks').selectAll().where('organisation_id', '=', orgId).where('id', '=', id).executeTakeFirst(),
    /** A webhook by id alone: for the dispatcher, which holds the delivery's organisation already. */
    findById: (id: string) => db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst(),
    enabledFor: (orgId: string) => db.selectFrom('webhooks').selectAll().where('organisation_id', '=', orgId).where('enabled', '=', 1).execute(),
    insert: async (w: WebhookTable) => { await db.insertInto('webhooks').values(w).execute(); },
    update: async (orgId: string, id: string, set: Partial<WebhookTable>) => {
      await db.updateTable('webhooks').set(set).where('organisation_id', '=', orgId).where('id', '=', id).execute();
    },
    delete: async (orgId: string, id: string) => {
      await db.deleteFrom('webhooks').where('organisation_id', '=', orgId).where('id', '=', id).execute();
    },

    enqueue: async (rows: WebhookDeliveryTable[]) => {
      if (rows.length) await db.insertInto('webhook_deliveries').values(rows).execute();
    },
    deliveries: (orgId: string, webhookId: string, page: PageParams) => pageQuery(db.selectFrom('webhook_deliveries').selectAll()
      .where('organisation_id', '=', orgId).where('webhook_id', '=', webhookId), 'webhook_deliveries', page).execute(),

    /**
     * Claims up to `limit` due deliveries for one instance. Each row is taken by a conditional
     * UPDATE (still pending, unclaimed or its claim expired), so two instances polling together
     * never both send one delivery: the loser's UPDATE matches no row.
     */
    async claimDue(owner: string, now: string, claimUntil: string, limit: number): Promise<WebhookDeliveryTable[]> {
      const due = await db.selectFrom('webhook_deliveries').select('id').where('status', '=', 'PENDING').where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)])).orderBy('next_attempt_at').limit(limit).execute();
      const claimed: WebhookDeliveryTable[] = [];
      for (const { id } of due) {
        const r = await db.updateTable('webhook_deliveries').set({ claimed_by: owner, claimed_until: claimUntil })
          .where('id', '=', id).where('status', '=', 'PENDING').where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 1) {
          const row = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).where('claimed_by', '=', owner).executeTakeFirst();
          if (row) claimed.push(row);
        }
      }
      return claimed;
    },
    /** Records an attempt's outcome; only the instance holding the claim may. */
    finishAttempt: async (id: string, owner: string, set: Partial<WebhookDeliveryTable>) => {
      await db.updateTable('webhook_deliveries').set({ ...set, claimed_by: null, claimed_until: null }).where('id', '=', id).where('claimed_by', '=', owner).execute();
    },
  };
}

export type WebhookRepo = ReturnType<typeof webhookRepo>;
