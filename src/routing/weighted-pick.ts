/** A random source in [0, 1): Math.random in production, a seeded generator in tests. */
export type Rng = () => number;

/** mulberry32: a small seeded generator, so spread tests are reproducible. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Orders items by weighted sampling without replacement: the first is picked with probability
 * weight / total, the next among the rest, and so on, so a failover after the first pick still
 * follows the weights. Items of weight 0 (or less) are left out.
 */
export function weightedOrder<T>(items: readonly T[], weightOf: (t: T) => number, rng: Rng): T[] {
  const pool = items.filter((t) => weightOf(t) > 0);
  const out: T[] = [];
  let total = pool.reduce((s, t) => s + weightOf(t), 0);
  while (pool.length > 0) {
    let r = rng() * total;
    let i = 0;
    for (; i < pool.length - 1; i++) {
      r -= weightOf(pool[i]);
      if (r < 0) break;
    }
    const [picked] = pool.splice(i, 1);
    total -= weightOf(picked);
    out.push(picked);
  }
  return out;
}
