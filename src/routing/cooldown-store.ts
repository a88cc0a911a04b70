/**
 * Where deployments rest after failing, and their recent outcomes. Arguments and results are plain
 * JSON values (strings, numbers, arrays), so an implementation can live in another process (the
 * cluster primary serving its workers) behind a message channel without changing callers.
 */
export interface DeploymentHealth {
  key: string;
  /** Epoch ms at which the rest ends, or null when the target is not resting. */
  coolingUntil: number | null;
  /** Outcomes over the recent window (HEALTH_WINDOW_MINUTES). */
  recentOk: number;
  recentErrors: number;
}

export interface CooldownStore {
  /** Rests `key` until `untilMs` (epoch ms); an end already set later is kept. */
  coolDown(key: string, untilMs: number): Promise<void>;
  /** For each key, the end of its rest (epoch ms) if it is later than `nowMs`, else null. */
  coolingUntil(keys: string[], nowMs: number): Promise<(number | null)[]>;
  recordOutcome(key: string, ok: boolean, nowMs: number): Promise<void>;
  health(keys: string[], nowMs: number): Promise<DeploymentHealth[]>;
}

export const HEALTH_WINDOW_MINUTES = 5;
const minuteOf = (ms: number) => Math.floor(ms / 60_000);

/** The in-process store (embedded mode, one instance). Entries expire lazily; the map stays small (one per deployment). */
export class MemoryCooldownStore implements CooldownStore {
  private readonly until = new Map<string, number>();
  private readonly buckets = new Map<string, { minute: number; ok: number; err: number }[]>();

  async coolDown(key: string, untilMs: number): Promise<void> {
    this.coolDownSync(key, untilMs);
  }

  coolDownSync(key: string, untilMs: number): void {
    const cur = this.until.get(key);
    if (cur === undefined || cur < untilMs) this.until.set(key, untilMs);
  }

  async coolingUntil(keys: string[], nowMs: number): Promise<(number | null)[]> {
    return this.coolingUntilSync(keys, nowMs);
  }

  coolingUntilSync(keys: string[], nowMs: number): (number | null)[] {
    return keys.map((k) => {
      const u = this.until.get(k);
      if (u === undefined) return null;
      if (u <= nowMs) {
        this.until.delete(k);
        return null;
      }
      return u;
    });
  }

  async recordOutcome(key: string, ok: boolean, nowMs: number): Promise<void> {
    const minute = minuteOf(nowMs);
    let list = this.buckets.get(key);
    if (!list) this.buckets.set(key, (list = []));
    let b = list[list.length - 1];
    if (!b || b.minute !== minute) list.push((b = { minute, ok: 0, err: 0 }));
    if (ok) b.ok++;
    else b.err++;
    while (list.length > 0 && list[0].minute <= minute - HEALTH_WINDOW_MINUTES) list.shift();
  }

  async health(keys: string[], nowMs: number): Promise<DeploymentHealth[]> {
    const from = minuteOf(nowMs) - HEALTH_WINDOW_MINUTES;
    const until = this.coolingUntilSync(keys, nowMs);
    return keys.map((key, i) => {
      let recentOk = 0;
      let recentErrors = 0;
      for (const b of this.buckets.get(key) ?? []) {
        if (b.minute > from) {
          recentOk += b.ok;
          recentErrors += b.err;
        }
      }
      return { key, coolingUntil: until[i], recentOk, recentErrors };
    });
  }
}
