// The usage writer's cost to the event loop on SQLite, in-thread (better-sqlite3 on the main
// thread, as before) against the worker thread, in one process and one run (the machine is shared:
// only figures from the same run compare). Records are queued at RATE per second, as the request
// path queues them, and flushed every second as the gateway does; the main thread's event-loop
// delay (monitorEventLoopDelay, 1 ms resolution) and utilisation are read over SECONDS per round.
// Rounds alternate (in-thread, worker, in-thread, worker…) so drifting machine load hits both.
//   npx tsx bench/usage-flush.ts      (RATE=3000 SECONDS=6 ROUNDS=2)
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { openTempStore } from '../src/store/testing/temp-store.ts';
import { usageRepo } from '../src/store/repos/usage.repo.ts';
import { SqliteUsageWorker } from '../src/store/sqlite-usage-worker.ts';
import { UsageWriter } from '../src/usage/usage-writer.ts';

const RATE = Number(process.env.RATE ?? 3000);
const SECONDS = Number(process.env.SECONDS ?? 6);
const ROUNDS = Number(process.env.ROUNDS ?? 2);

async function round(mode: 'in-thread' | 'worker') {
  const t = await openTempStore();
  const orgId = await t.seedOrganisation();
  const worker = mode === 'worker' ? new SqliteUsageWorker({ file: t.store.sqliteFile! }) : undefined;
  const w = new UsageWriter(worker ?? usageRepo(t.store.db), 1000);
  w.start();
  const eld = monitorEventLoopDelay({ resolution: 1 });
  const elu0 = performance.eventLoopUtilization();
  eld.enable();
  const until = Date.now() + SECONDS * 1000;
  let queued = 0;
  // 10 ms ticks, RATE/100 records each: the request path's own work is only the queueing.
  await new Promise<void>((done) => {
    const tick = setInterval(() => {
      for (let i = 0; i < RATE / 100; i++) {
        w.record({
          request_id: `r${queued++}`, organisation_id: orgId, team_id: null, user_id: null, api_key_id: null, provider_id: null, provider_type: 'VLLM',
          model_id: null, model_name: 'gpt-4.1-mini', upstream_slug: 'gpt-4.1-mini', surface: 'openai-chat', input_tokens: 12, output_tokens: 9,
          cached_tokens: 0, reasoning_tokens: 0, cost_nano_usd: 19200, latency_ms: 3, ttft_ms: null, status: 200, error_code: null, streamed: 0,
        });
      }
      if (Date.now() >= until) {
        clearInterval(tick);
        done();
      }
    }, 10);
  });
  eld.disable();
  const elu = performance.eventLoopUtilization(elu0);
  await w.close();
  await worker?.close();
  const written = Number((await t.store.db.selectFrom('usage_records').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  await t.close();
  return {
    mode, queued, written, eldP50Ms: eld.percentile(50) / 1e6, eldP99Ms: eld.percentile(99) / 1e6, eldMaxMs: eld.max / 1e6,
    mainThreadUtilisation: Number(elu.utilization.toFixed(3)),
  };
}

const rows = [];
for (let i = 0; i < ROUNDS; i++) for (const mode of ['in-thread', 'worker'] as const) rows.push(await round(mode));
console.log(JSON.stringify({ rate: RATE, seconds: SECONDS, loadavgBefore: loadavg().map((l) => l.toFixed(2)), rows }, null, 2));
