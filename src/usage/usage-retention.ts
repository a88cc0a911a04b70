import type { Logger } from 'pino';
import { MINUTE_ROLLUP_TARGETS, RAW_TARGETS, type RetentionTarget } from '../store/usage-rollup.sql.ts';

/** Where slices are deleted: the SQLite usage worker thread, or the repository (PostgreSQL). */
export interface RetentionSlices {
  deleteSlice(target: RetentionTarget, orgId: string, before: string, limit: number): Promise<number>;
}

export interface UsageRetentionOptions {
  slices: RetentionSlices;
  organisationIds: () => Promise<string[]>;
  /** Raw model and MCP records older than this many days are deleted (0: kept for good). */
  rawDays: number;
  /** Minute rollups older than this many days are deleted (0: kept for good); hour and day rollups stay. */
  minuteDays: number;
  /** How often a pass runs. */
  intervalMs?: number;
  /** Rows per delete: small, so a write lock is held only briefly and the usage writer interleaves. */
  sliceSize?: number;
  logger?: Logger;
  now?: () => Date;
}

const DAY_MS = 86_400_000;

/**
 * Deletes old usage off the hot path: on a timer, one organisation and table at a time, in
 * slices of `sliceSize` rows, yielding to the event loop between slices. On SQLite the slices
 * run in the usage worker thread (the same connection as the usage writes, so they queue
 * behind them instead of fighting for the lock); on PostgreSQL each slice is one short statement.
 * Rollups are never derived from raw rows after the fact, so deleting raw rows leaves every
 * analytics figure unchanged.
 */
export class UsageRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;
  private readonly sliceSize: number;

  constructor(private readonly opts: UsageRetentionOptions) {
    this.sliceSize = opts.sliceSize ?? 2000;
  }

  start(): void {
    if (this.timer || (this.opts.rawDays === 0 && this.opts.minuteDays === 0)) return;
    this.timer = setInterval(() => void this.runOnce().catch((e: Error) => this.opts.logger?.warn({ err: e.message }, 'usage retention pass failed; next pass retries')), this.opts.intervalMs ?? 10 * 60_000);
    this.timer.unref();
  }

  /** One full pass; answers how many rows it deleted. A pass already running is joined, not doubled. */
  runOnce(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  private async pass(): Promise<number> {
    const now = (this.opts.now ?? (() => new Date()))().getTime();
    const cutoff = (days: number) => new Date(now - days * DAY_MS).toISOString();
    const targets: { target: RetentionTarget; before: string }[] = [];
    if (this.opts.rawDays > 0) for (const target of RAW_TARGETS) targets.push({ target, before: cutoff(this.opts.rawDays) });
    if (this.opts.minuteDays > 0) for (const target of MINUTE_ROLLUP_TARGETS) targets.push({ target, before: cutoff(this.opts.minuteDays) });
    let deleted = 0;
    for (const orgId of await this.opts.organisationIds()) {
      for (const { target, before } of targets) {
        for (;;) {
          if (this.stopped) return deleted;
          const n = await this.opts.slices.deleteSlice(target, orgId, before, this.sliceSize);
          deleted += n;
          if (n < this.sliceSize) break;
          await new Promise((r) => setImmediate(r));
        }
      }
    }
    if (deleted > 0) this.opts.logger?.info({ deleted }, 'old usage deleted');
    return deleted;
  }
}
