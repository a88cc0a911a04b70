import type { AuditLogTable } from '../../store/schema.ts';

/** An audit entry on the wire. `changes` was masked before it was stored. */
export const auditEntryView = (r: AuditLogTable) => ({
  id: r.id,
  at: r.created_at,
  organisationId: r.organisation_id,
  actor: {
    type: r.actor_type,
    id: r.actor_id,
    // An operator's email, a token's name, or the email a refused login gave.
    label: r.actor_label,
    operator: r.operator_id ? { id: r.operator_id, email: r.operator_email } : null,
  },
  ip: r.ip,
  action: r.action,
  targetType: r.target_type,
  targetId: r.target_id,
  changes: parseChanges(r.changes),
});

export type AuditEntryView = ReturnType<typeof auditEntryView>;

function parseChanges(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

const COLUMNS = ['at', 'organisation_id', 'actor_type', 'actor_id', 'actor', 'operator_email', 'ip', 'action', 'target_type', 'target_id', 'changes'] as const;

/**
 * RFC 4180 CSV. A cell that a spreadsheet would run as a formula (= + - @, tab, CR) is prefixed
 * with an apostrophe: actor labels and changes hold text other people typed.
 */
export function csvCell(v: string | null | undefined): string {
  let s = v ?? '';
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvHeader = (): string => `${COLUMNS.join(',')}\r\n`;

export const csvRow = (r: AuditLogTable): string => [
  r.created_at, r.organisation_id, r.actor_type, r.actor_id, r.actor_label, r.operator_email, r.ip, r.action, r.target_type, r.target_id, r.changes,
].map(csvCell).join(',') + '\r\n';
