import type { AuditLogTable } from '../../store/schema.ts';
import type { AuditFilter, AuditRepo } from '../../store/repos/audit.repo.ts';
import type { PageParams } from '../shared/validation.ts';
import { csvHeader, csvRow } from './audit-log.view.ts';

export interface AuditLogServiceDeps {
  audit: Pick<AuditRepo, 'listPage'>;
}

/** An export stops here; narrower filters (a date range) get the rest. */
export const EXPORT_MAX_ROWS = 100_000;
const EXPORT_PAGE = 500;

/** Reading the audit log: a page, or every matching entry as CSV (newest first). There is no writing here. */
export function createAuditLogService(deps: AuditLogServiceDeps) {
  return {
    list: (f: AuditFilter, page: PageParams): Promise<AuditLogTable[]> => deps.audit.listPage(f, page),

    async *csv(f: AuditFilter): AsyncGenerator<string> {
      yield csvHeader();
      let cursor: PageParams['cursor'];
      for (let sent = 0; sent < EXPORT_MAX_ROWS;) {
        const rows = await deps.audit.listPage(f, { limit: EXPORT_PAGE, cursor });
        const page = rows.slice(0, EXPORT_PAGE);
        if (page.length > 0) yield page.map(csvRow).join('');
        sent += page.length;
        if (rows.length <= EXPORT_PAGE) return;
        const last = page[page.length - 1];
        cursor = { createdAt: last.created_at, id: last.id };
      }
    },
  };
}

export type AuditLogService = ReturnType<typeof createAuditLogService>;
