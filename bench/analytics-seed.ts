import { sql, type Kysely } from 'kysely';
import type Database from 'better-sqlite3';
import type { Database as Schema } from '../src/store/schema.ts';
import type { Dialect } from '../src/store/db.ts';
import { IDS_MARKER, ROLLUP_SQL } from '../src/store/usage-rollup.sql.ts';

/**
 * Seeds `count` model usage records spread over the last `days` days for one organisation, and
 * their rollups, as fast as each dialect allows: multi-row inserts in large transactions on
 * SQLite, `unnest` of column arrays on PostgreSQL. Ids are zero-padded and increase with time,
 * so each chunk is rolled up with the gateway's own rollup SQL over an id range (same
 * definition, same result as if the usage writer had written them one batch at a time).
 */
export interface SeedShape {
  orgId: string;
  keys: { id: string; teamId: string | null; userId: string | null }[];
  models: { id: string; providerId: string }[];
}

const COLUMNS = ['id', 'request_id', 'organisation_id', 'team_id', 'user_id', 'api_key_id', 'provider_id', 'provider_type', 'model_id', 'model_name', 'upstream_slug',
  'surface', 'input_tokens', 'output_tokens', 'cached_tokens', 'reasoning_tokens', 'cost_nano_usd', 'latency_ms', 'ttft_ms', 'status', 'error_code', 'streamed', 'created_at'] as const;
const INT_COLUMNS = new Set(['input_tokens', 'output_tokens', 'cached_tokens', 'reasoning_tokens', 'cost_nano_usd', 'latency_ms', 'ttft_ms', 'status', 'streamed']);

export const seedId = (i: number) => `seed-${String(i).padStart(10, '0')}`;

/** One record, deterministic in i: a pseudo-random but reproducible mix of keys, models, statuses, latencies. */
function row(shape: SeedShape, i: number, count: number, start: number, spanMs: number): unknown[] {
  const h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  const key = shape.keys[h % shape.keys.length];
  const model = shape.models[(h >>> 8) % shape.models.length];
  const err = (h >>> 16) % 50 === 0;
  const input = 50 + ((h >>> 4) % 2000);
  const output = 10 + ((h >>> 12) % 800);
  const streamed = (h >>> 20) % 2;
  return [seedId(i), `req-${i}`, shape.orgId, key.teamId, key.userId, key.id, model.providerId, 'OPENAI', model.id, 'model', 'slug', 'openai-chat',
    input, output, 0, 0, input * 2000 + output * 8000, 20 + ((h >>> 6) % 1500), streamed ? 15 + ((h >>> 3) % 300) : null,
    err ? 502 : 200, err ? 'upstream_error' : null, streamed, new Date(start + Math.floor((i * spanMs) / count)).toISOString()];
}

async function rollUpRange(db: Kysely<Schema>, from: number, to: number): Promise<void> {
  const [head, tail] = ROLLUP_SQL.usage_records.split(IDS_MARKER);
  await sql`${sql.raw(head)}r.id >= ${seedId(from)} and r.id < ${seedId(to)}${sql.raw(tail)}`.execute(db);
}

export async function seed(opts: {
  db: Kysely<Schema>; dialect: Dialect; sqlite?: Database.Database; shape: SeedShape; count: number; days: number; now: number;
  onProgress?: (done: number) => void;
}): Promise<void> {
  const { db, shape, count } = opts;
  const spanMs = opts.days * 86_400_000;
  const start = opts.now - spanMs;
  const CHUNK = 50_000;
  for (let from = 0; from < count; from += CHUNK) {
    const to = Math.min(count, from + CHUNK);
    if (opts.dialect === 'sqlite') {
      const s = opts.sqlite!;
      const PER = 200; // rows per statement (23 columns: well under SQLite's 32 766 parameters)
      const stmt = s.prepare(`insert into usage_records (${COLUMNS.join(', ')}) values ${Array(PER).fill(`(${COLUMNS.map(() => '?').join(',')})`).join(',')}`);
      const one = s.prepare(`insert into usage_records (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(',')})`);
      s.transaction(() => {
        let i = from;
        for (; i + PER <= to; i += PER) {
          const params: unknown[] = [];
          for (let j = i; j < i + PER; j++) params.push(...row(shape, j, count, start, spanMs));
          stmt.run(params);
        }
        for (; i < to; i++) one.run(row(shape, i, count, start, spanMs));
      })();
      s.prepare(ROLLUP_SQL.usage_records.replace(IDS_MARKER, 'r.id >= ? and r.id < ?')).run(seedId(from), seedId(to));
    } else {
      const cols: unknown[][] = COLUMNS.map(() => []);
      for (let i = from; i < to; i++) row(shape, i, count, start, spanMs).forEach((v, c) => cols[c].push(v));
      await db.transaction().execute(async (trx) => {
        const arrays = COLUMNS.map((c, k) => sql`cast(${cols[k]} as ${sql.raw(INT_COLUMNS.has(c) ? (c === 'cost_nano_usd' ? 'bigint[]' : 'integer[]') : 'text[]')})`);
        await sql`insert into usage_records (${sql.join(COLUMNS.map((c) => sql.ref(c)))}) select * from unnest(${sql.join(arrays)})`.execute(trx);
        await rollUpRange(trx, from, to);
      });
    }
    opts.onProgress?.(to);
  }
}
