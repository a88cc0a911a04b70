import { sql, type Kysely } from 'kysely';
import type { AuditLogTable, Database } from '../schema.ts';
import type { PageParams } from './paging.ts';
import { pageQuery } from './paging.ts';

export interface AuditFilter {
  /** An organisation's entries; undefined: every entry (the deployment-wide log). */
  organisationId?: string;
  /** Only entries that belong to no organisation (logins, one's own tokens). */
  deploymentOnly?: boolean;
  /** An id (operator or token), or part of an email or token name, case-insensitive. */
  actor?: string;
  /** `api_key.revoke`, or a prefix ending at a dot boundary: `api_key` matches every api_key.* action. */
  action?: string;
  targetType?: string;
  targetId?: string;
  /** ISO timestamps: from inclusive, to exclusive. */
  from?: string;
  to?: string;
}

/** The audit log: append-only (the table's triggers refuse UPDATE and DELETE), so this repo only inserts and reads. */
export function auditRepo(db: Kysely<Database>) {
  return {
    async insert(entry: AuditLogTable): Promise<void> {
      await db.insertInto('audit_log').values(entry).execute();
    },
    async listPage(f: AuditFilter, page: PageParams): Promise<AuditLogTable[]> {
      let q = db.selectFrom('audit_log').selectAll();
      if (f.organisationId !== undefined) q = q.where('organisation_id', '=', f.organisationId);
      if (f.deploymentOnly) q = q.where('organisation_id', 'is', null);
      if (f.actor) {
        // ESCAPE spelled out: SQLite has no default LIKE escape character, PostgreSQL's is the backslash.
        const like = `%${f.actor.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        const actor = f.actor;
        q = q.where((eb) => eb.or([
          eb('actor_id', '=', actor),
          eb('operator_id', '=', actor),
          sql<boolean>`lower(actor_label) like ${like} escape '\\'`,
          sql<boolean>`lower(operator_email) like ${like} escape '\\'`,
        ]));
      }
      if (f.action) {
        // A prefix as a range ('.' + 1 = '/'), so `_` in action names is no wildcard.
        const action = f.action;
        q = q.where((eb) => eb.or([eb('action', '=', action), eb.and([eb('action', '>=', `${action}.`), eb('action', '<', `${action}/`)])]));
      }
      if (f.targetType) q = q.where('target_type', '=', f.targetType);
      if (f.targetId) q = q.where('target_id', '=', f.targetId);
      if (f.from) q = q.where('created_at', '>=', f.from);
      if (f.to) q = q.where('created_at', '<', f.to);
      return pageQuery(q, 'audit_log', page).execute();
    },
  };
}

export type AuditRepo = ReturnType<typeof auditRepo>;
