import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { AuditLogTable } from '../store/schema.ts';
import type { AuditRepo } from '../store/repos/audit.repo.ts';
import { maskSecrets } from './audit-mask.ts';

export interface AuditEntry {
  organisationId: string | null;
  actor: { type: 'operator' | 'token' | 'anonymous'; id?: string; label?: string; operatorId?: string; operatorEmail?: string };
  ip?: string;
  action: string;
  targetType?: string;
  targetId?: string;
  changes: Record<string, unknown>;
}

export interface AuditWriterDeps {
  audit: Pick<AuditRepo, 'insert'>;
  logger: Pick<Logger, 'error'>;
  onFailure(): void;
}

// Pages are ordered by (created_at, id): ids that grow within a process keep two entries of the
// same millisecond in the order they happened.
let sequence = 0;
const entryId = (at: Date): string =>
  `${at.getTime().toString(36).padStart(9, '0')}-${(sequence++ % 36 ** 6).toString(36).padStart(6, '0')}-${randomBytes(6).toString('hex')}`;

// An entry holds snapshots of admin views: small. A pathological one keeps its who/what/when.
const MAX_CHANGES_CHARS = 32_000;

/**
 * Stores one entry, masked. A failed insert is retried once; if that fails too the entry goes to
 * the error log (masked, so still no secret) and a counter alerts, but the admin call that
 * already happened is not reported as failed: its change is committed either way.
 */
export function createAuditWriter(deps: AuditWriterDeps) {
  return async function writeAudit(e: AuditEntry): Promise<AuditLogTable> {
    let changes = JSON.stringify(maskSecrets(e.changes) ?? {});
    if (changes.length > MAX_CHANGES_CHARS) changes = JSON.stringify({ truncated: true, chars: changes.length });
    const at = new Date();
    const row: AuditLogTable = {
      id: entryId(at), created_at: at.toISOString(), organisation_id: e.organisationId,
      actor_type: e.actor.type, actor_id: e.actor.id ?? null, actor_label: e.actor.label ?? null,
      operator_id: e.actor.operatorId ?? null, operator_email: e.actor.operatorEmail ?? null,
      ip: e.ip ?? null, action: e.action, target_type: e.targetType ?? null, target_id: e.targetId ?? null, changes,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await deps.audit.insert(row);
        return row;
      } catch (err) {
        if (attempt < 2) continue;
        deps.onFailure();
        deps.logger.error({ audit: row, err: (err as Error).message }, 'audit entry could not be stored');
        return row;
      }
    }
  };
}

export type AuditWriter = ReturnType<typeof createAuditWriter>;
