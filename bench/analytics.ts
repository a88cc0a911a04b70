/**
 * `npm run bench:analytics`: seeds ANALYTICS_RECORDS (default 10 000 000) usage records over 30 days
 * on SQLite and PostgreSQL, then times what the Usage page asks for and the usage writer's rate.
 * ANALYTICS_DIALECTS=sqlite,postgres picks dialects; ANALYTICS_WRITE_SECONDS the write test length.
 * Writes bench/reports/analytics.md (ANALYTICS_REPORT names another file there).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { nowIso, openStore, type Dialect, type Store } from '../src/store/db.ts';
import { analyticsRepo } from '../src/store/repos/analytics.repo.ts';
import { usageRepo } from '../src/store/repos/usage.repo.ts';
import { SqliteUsageWorker } from '../src/store/sqlite-usage-worker.ts';
import { UsageWriter } from '../src/usage/usage-writer.ts';
import { createAnalyticsService } from '../src/admin/analytics/analytics.service.ts';
import { PG_URL, dropSchema, uniqueSchema } from '../test/helpers/services.ts';
import { seed, type SeedShape } from './analytics-seed.ts';

const COUNT = Number(process.env.ANALYTICS_RECORDS ?? 10_000_000);
const DIALECTS = (process.env.ANALYTICS_DIALECTS ?? 'sqlite,postgres').split(',') as Dialect[];
const WRITE_SECONDS = Number(process.env.ANALYTICS_WRITE_SECONDS ?? 10);
const WRITE_RATE = 5000;
const DAY = 86_400_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function timed<T>(f: () => Promise<T>, runs = 5): Promise<{ median: number; max: number }> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
  }
  return { median: median(ms), max: Math.max(...ms) };
}

function shapeFor(orgId: string): SeedShape {
  const teams = Array.from({ length: 8 }, (_, i) => `team-${i}`);
  return {
    orgId,
    keys: Array.from({ length: 60 }, (_, i) => ({ id: `key-${i}`, teamId: i % 4 === 3 ? null : teams[i % teams.length], userId: i % 3 === 0 ? `user-${i % 20}` : null })),
    models: Array.from({ length: 12 }, (_, i) => ({ id: `model-${i}`, providerId: `provider-${i % 4}` })),
  };
}

interface Result { dialect: Dialect; seedSeconds: number; rollupRows: number; queries: [string, { median: number; max: number }][]; pages: [string, { median: number; max: number }][]; write: Record<string, number> }

async function runDialect(dialect: Dialect): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'odock-bench-analytics-'));
  const schema = uniqueSchema();
  const file = join(dir, 'bench.db');
  const store: Store = openStore(dialect === 'sqlite' ? { databaseUrl: `sqlite:${file}` } : { databaseUrl: PG_URL, schema });
  try {
    await store.migrate();
    const orgId = randomUUID();
    await store.db.insertInto('organisations').values({ id: orgId, name: 'bench', policies: '{}', created_at: nowIso(), updated_at: nowIso() }).execute();
    const now = Date.now();
    const t0 = performance.now();
    const raw = dialect === 'sqlite' ? new SQLite(file) : undefined;
    raw?.pragma('journal_mode = WAL');
    raw?.pragma('synchronous = NORMAL');
    let last = 0;
    await seed({
      db: store.db, dialect, sqlite: raw, shape: shapeFor(orgId), count: COUNT, days: 30, now,
      onProgress: (done) => {
        if (done - last >= 500_000 || done === COUNT) {
          last = done;
          console.log(`[${dialect}] seeded ${done.toLocaleString('en')} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
        }
      },
    });
    raw?.close();
    if (dialect === 'postgres') await sql`analyze`.execute(store.db);
    const seedSeconds = (performance.now() - t0) / 1000;
    const rollupRows = Number((await store.db.selectFrom('usage_rollups').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

    const service = createAnalyticsService({ analytics: analyticsRepo(store.db), usage: usageRepo(store.db), now: () => new Date(now) });
    const month = { from: new Date(now - 30 * DAY).toISOString(), interval: 'day' as const };
    const queries: Result['queries'] = [];
    for (const groupBy of ['model', 'apiKey', 'team', 'provider', 'status'] as const) queries.push([`30 days by day, grouped by ${groupBy}`, await timed(() => service.usage(orgId, { ...month, groupBy }))]);
    queries.push(['7 days by hour, grouped by model', await timed(() => service.usage(orgId, { from: new Date(now - 7 * DAY).toISOString(), interval: 'hour', groupBy: 'model' }))]);
    queries.push(['24 hours by minute, ungrouped', await timed(() => service.usage(orgId, { from: new Date(now - DAY).toISOString(), interval: 'minute' }))]);
    queries.push(['30-day chargeback (team × key)', await timed(() => service.chargeback(orgId, new Date(now).toISOString().slice(0, 7)))]);
    queries.push(['records page (50 newest)', await timed(() => usageRepo(store.db).listPage(orgId, {}, { limit: 50 }))]);
    // What the Usage page asks for (web/src/pages/usage): totals and series, the spend breakdown (by key
    // first) and the newest records, issued together as the browser does, for each of its ranges.
    const pageCalls = (from: string, interval: 'minute' | 'hour' | 'day') => () => Promise.all([
      service.usage(orgId, { from, interval }), service.usage(orgId, { from, interval, groupBy: 'apiKey', limit: 100 }),
      usageRepo(store.db).listPage(orgId, { from }, { limit: 25 }),
    ]);
    const pages: Result['pages'] = [];
    for (const [name, span, interval] of [['last hour', 3_600_000, 'minute'], ['last 24 hours', DAY, 'hour'], ['last 7 days', 7 * DAY, 'hour'], ['last 30 days', 30 * DAY, 'day'], ['last 30 days, filtered by model', 30 * DAY, 'day']] as const) {
      const from = new Date(now - span).toISOString();
      pages.push([name, await timed(name.includes('filtered') ? () => Promise.all([
        service.usage(orgId, { from, interval, modelId: 'model-3' }), service.usage(orgId, { from, interval, groupBy: 'apiKey', modelId: 'model-3', limit: 100 }),
        usageRepo(store.db).listPage(orgId, { from, modelId: 'model-3' }, { limit: 25 }),
      ]) : pageCalls(from, interval))]);
    }

    const write = await writeTest(dialect, store, file, orgId);
    return { dialect, seedSeconds, rollupRows, queries, pages, write };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    if (dialect === 'postgres') await dropSchema(schema).catch(() => {});
  }
}

/** Records queued at WRITE_RATE/s for WRITE_SECONDS through the real usage writer (worker thread on SQLite). */
async function writeTest(dialect: Dialect, store: Store, file: string, orgId: string): Promise<Record<string, number>> {
  const worker = dialect === 'sqlite' ? new SqliteUsageWorker({ file }) : undefined;
  const writer = new UsageWriter(worker ?? usageRepo(store.db), 1000);
  const shape = shapeFor(orgId);
  writer.start();
  let queued = 0;
  let maxPending = 0;
  const t0 = performance.now();
  const tickMs = 100;
  for (let tick = 0; tick < (WRITE_SECONDS * 1000) / tickMs; tick++) {
    const due = t0 + (tick + 1) * tickMs;
    for (let i = 0; i < (WRITE_RATE * tickMs) / 1000; i++, queued++) {
      const key = shape.keys[queued % shape.keys.length];
      const model = shape.models[queued % shape.models.length];
      writer.record({
        request_id: `w${queued}`, organisation_id: orgId, team_id: key.teamId, user_id: key.userId, api_key_id: key.id, provider_id: model.providerId, provider_type: 'OPENAI',
        model_id: model.id, model_name: 'm', upstream_slug: 's', surface: 'openai-chat', input_tokens: 100, output_tokens: 50, cached_tokens: 0, reasoning_tokens: 0,
        cost_nano_usd: 600_000, latency_ms: 30 + (queued % 900), ttft_ms: null, status: queued % 40 ? 200 : 502, error_code: queued % 40 ? null : 'upstream_error', streamed: 0,
      });
    }
    maxPending = Math.max(maxPending, writer.pendingCount);
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const queuedFor = (performance.now() - t0) / 1000;
  const d0 = performance.now();
  await writer.close(60_000);
  const drainSeconds = (performance.now() - d0) / 1000;
  await worker?.close();
  const total = (performance.now() - t0) / 1000;
  return { queued, queuedForSeconds: queuedFor, maxPending, drainSeconds, writtenPerSecond: queued / total, dropped: writer.dropped };
}

const fmt = (x: { median: number; max: number }) => `${x.median.toFixed(0)} ms (max ${x.max.toFixed(0)})`;

const results: Result[] = [];
const load0 = loadavg();
for (const d of DIALECTS) results.push(await runDialect(d));
const load1 = loadavg();
const lines = [
  '# Analytics at scale', '',
  `Run ${new Date().toISOString()}: ${COUNT.toLocaleString('en')} model usage records per dialect over 30 days (60 keys, 8 teams, 12 models, 4 providers, 2 % errors), ` +
    `${cpus().length} cores, load average ${load0[0].toFixed(1)} at the start and ${load1[0].toFixed(1)} at the end (the machine is shared with other jobs: absolute times are pessimistic; the lead may rerun on a quiet machine).`,
  '', 'Queries read only rollups (`usage_rollups`); times are the service call (SQL + percentile/totals assembly), median of 5, without HTTP. ' +
    "A Usage page figure is the page's three data calls (totals and series, spend by key, newest records) issued together; " +
    'ungrouped and single-dimension queries read their small rollup set, a filtered page reads the full one.', '',
  '| | ' + results.map((r) => r.dialect).join(' | ') + ' | target |', '|---|' + results.map(() => '---|').join('') + '---|',
  `| seeding (records + rollups) | ${results.map((r) => `${r.seedSeconds.toFixed(0)} s (${(COUNT / r.seedSeconds).toFixed(0)} rec/s)`).join(' | ')} | |`,
  `| rollup rows (minute+hour+day) | ${results.map((r) => r.rollupRows.toLocaleString('en')).join(' | ')} | |`,
  ...results[0].queries.map(([name], i) => `| ${name} | ${results.map((r) => fmt(r.queries[i][1])).join(' | ')} | ${name.startsWith('30 days') ? '< 300 ms' : ''} |`),
  ...results[0].pages.map(([name], i) => `| Usage page, ${name} (3 calls together) | ${results.map((r) => fmt(r.pages[i][1])).join(' | ')} | < 500 ms |`),
  `| writer: records queued at ${WRITE_RATE}/s for ${WRITE_SECONDS} s | ${results.map((r) => `${r.write.queued} queued, max pending ${r.write.maxPending}, drained ${r.write.drainSeconds.toFixed(1)} s after, ${r.write.writtenPerSecond.toFixed(0)} rec/s overall, ${r.write.dropped} dropped`).join(' | ')} | keeps up with 5 000/s |`,
  '', 'Reproduce: `ANALYTICS_RECORDS=10000000 npm run bench:analytics` (both dialects; PostgreSQL at `TEST_DATABASE_URL` or 127.0.0.1:5432/test).', '',
];
writeFileSync(new URL(`./reports/${process.env.ANALYTICS_REPORT ?? 'analytics.md'}`, import.meta.url), lines.join('\n'));
console.log(lines.join('\n'));
