import { isoTime, uuid7 } from '../crypto/uuid7.ts';
import type { Logger } from 'pino';
import type { McpUsageRecordTable, UsageRecordTable } from '../store/schema.ts';
import type { UsageRepo } from '../store/repos/usage.repo.ts';
import type { Metrics } from '../ops/metrics.ts';

/**
 * The database refused this data (as opposed to being unreachable): PostgreSQL SQLSTATE classes
 * 22 (data exception) and 23 (integrity constraint), SQLite constraint/type/size errors. Only
 * these make a record droppable; anything else is retried.
 */
function isRowRejection(e: unknown): boolean {
  const code = String((e as { code?: unknown })?.code ?? '');
  return /^2[23][0-9A-Z]{3}$/.test(code) || /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(code);
}

export type UsageRecordInput = Omit<UsageRecordTable, 'id' | 'created_at'> & { created_at?: string };
export type McpUsageRecordInput = Omit<McpUsageRecordTable, 'id' | 'created_at'> & { created_at?: string };

/**
 * The record with the gateway's id (always: nothing a client sends can name, merge or overwrite a
 * record) and its time. The writer takes the caller's object (a fresh literal per call) instead of
 * copying it: spreading a twenty-field record measured 5–15 µs a call in bench/steps.ts, the most
 * expensive step of a warm call; setting two fields costs well under one. An object already
 * stamped (recorded twice) is copied, so each record keeps its own id.
 */
function stamped<T extends { created_at?: string }>(r: T): T & { id: string; created_at: string } {
  const row = ('id' in r ? { ...r } : r) as T & { id: string; created_at: string };
  const now = Date.now();
  row.id = uuid7(now);
  row.created_at ??= isoTime(now);
  return row;
}

const BATCH = 500;
const MAX_PENDING = 200_000;

/**
 * Usage records are queued in memory and written in batches every flush interval, never on the
 * response path. A failed write (database restarting) keeps the batch and retries on the next
 * tick. Each record's id is generated here when it is queued and inserts ignore an id already
 * written, so a retried batch never writes a record twice; the client's request id is only a
 * label (any number of records may share it). A stopped instance flushes before exit; a killed
 * one loses at most one interval.
 */
export class UsageWriter {
  private pending: UsageRecordTable[] = [];
  private pendingMcp: McpUsageRecordTable[] = [];
  private lastUsed = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  dropped = 0;

  constructor(
    private readonly repo: Pick<UsageRepo, 'insertUsage' | 'insertMcpUsage' | 'touchLastUsed'>,
    private readonly intervalMs: number,
    private readonly logger?: Logger,
    private readonly metrics?: Metrics,
  ) {}

  start(): void {
    if (!this.timer) {
      this.timer = setInterval(() => void this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  record(r: UsageRecordInput): void {
    if (this.pending.length >= MAX_PENDING) {
      this.dropped++;
      return;
    }
    this.pending.push(stamped(r));
    if (r.api_key_id) this.lastUsed.add(r.api_key_id);
    this.metrics?.usagePending.set(this.pending.length + this.pendingMcp.length);
  }

  recordMcp(r: McpUsageRecordInput): void {
    if (this.pendingMcp.length >= MAX_PENDING) {
      this.dropped++;
      return;
    }
    this.pendingMcp.push(stamped(r));
    if (r.api_key_id) this.lastUsed.add(r.api_key_id);
  }

  get pendingCount(): number {
    return this.pending.length + this.pendingMcp.length;
  }

  /**
   * Writes everything queued so far. A flush already running may have passed the records queued
   * since it started (it ends with the last-used stamps), so a caller waits for it, then runs its own.
   */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    this.flushing = this.doFlush().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async doFlush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.slice(0, BATCH);
      const ok = await this.write(batch, (rows) => this.repo.insertUsage(rows));
      if (!ok) return;
      this.pending.splice(0, batch.length);
      this.metrics?.usageRecordsWritten(batch.length);
    }
    while (this.pendingMcp.length > 0) {
      const batch = this.pendingMcp.slice(0, BATCH);
      const ok = await this.write(batch, (rows) => this.repo.insertMcpUsage(rows));
      if (!ok) return;
      this.pendingMcp.splice(0, batch.length);
    }
    this.metrics?.usagePending.set(this.pendingCount);
    if (this.lastUsed.size > 0) {
      const ids = [...this.lastUsed];
      this.lastUsed.clear();
      await this.repo.touchLastUsed(ids).catch(() => {
        for (const id of ids) this.lastUsed.add(id);
      });
    }
  }

  /**
   * Writes a batch. The database being unreachable keeps the batch for the next tick (false).
   * Any other failure means a row the database refuses: the rows are then written one by one
   * and a refused row is dropped and logged, so one bad record can never block every later one.
   */
  private async write<R>(batch: R[], insert: (rows: R[]) => Promise<unknown>): Promise<boolean> {
    try {
      await insert(batch);
      return true;
    } catch (e) {
      if (!isRowRejection(e)) {
        this.metrics?.usageFlushFailed();
        this.logger?.warn({ err: (e as Error).message, pending: this.pendingCount }, 'usage write failed; will retry');
        return false;
      }
    }
    for (const row of batch) {
      try {
        await insert([row]);
      } catch (e) {
        if (!isRowRejection(e)) return false; // rows already written are ignored as duplicates next time
        this.dropped++;
        this.metrics?.usageRecordsDropped();
        this.logger?.error({ err: (e as Error).message }, 'usage record refused by the database; dropped');
      }
    }
    return true;
  }

  /** Stops the timer and writes what is pending, retrying until `deadlineMs` passes. */
  async close(deadlineMs = 10_000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const until = Date.now() + deadlineMs;
    for (;;) {
      await this.flush();
      if (this.pendingCount === 0 || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (this.pendingCount > 0) this.logger?.error({ lost: this.pendingCount }, 'usage records could not be written before shutdown');
  }
}
