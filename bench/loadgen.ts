// Load generator (its own process). Two shapes:
// - closed loop (CONCURRENCY clients, each sends its next request when the last one finished);
// - open loop (RATE requests/s on a schedule, whatever the answers do): latency is measured from the
//   time a request was due, not from when it could be sent, so a stalled server cannot hide its
//   queue (no coordinated omission).
// Latency is to the last byte. Reports requests/s, p50, p99, p99.9 and errors over SECONDS after a warm-up.
import { Pool } from 'undici';

const url = new URL(process.env.TARGET!);
const concurrency = Number(process.env.CONCURRENCY ?? 50);
const rate = Number(process.env.RATE ?? 0);
const seconds = Number(process.env.SECONDS ?? 10);
const warmup = Number(process.env.WARMUP ?? 2);
const stream = process.env.STREAM === '1';
const headers: Record<string, string> = {
  'content-type': 'application/json', authorization: `Bearer ${process.env.KEY ?? 'sk-bench'}`, ...JSON.parse(process.env.HEADERS ?? '{}'),
};
const body = JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Say hello.' }], ...(stream ? { stream: true } : {}) });
// The open loop needs room for a queue; the closed loop exactly one connection per client.
const pool = new Pool(url.origin, { connections: rate > 0 ? 512 : concurrency, pipelining: 1, keepAliveTimeout: 60_000 });
const path = url.pathname;

const lat: number[] = [];
let errors = 0;
let recording = false;
let stop = false;

async function once(due: bigint): Promise<void> {
  // Counted when it was due inside the measured window, so a backlog from the warm-up is not.
  const counted = recording;
  try {
    const r = await pool.request({ method: 'POST', path, headers, body });
    for await (const _ of r.body) { /* drain */ }
    if (r.statusCode !== 200) errors++;
  } catch {
    errors++;
  }
  if (counted) lat.push(Number(process.hrtime.bigint() - due) / 1e6);
}

async function closedLoopClient() {
  while (!stop) await once(process.hrtime.bigint());
}

async function openLoop() {
  const interval = 1e9 / rate;
  const start = process.hrtime.bigint();
  let sent = 0;
  const inflight = new Set<Promise<void>>();
  while (!stop) {
    const now = process.hrtime.bigint();
    const due = Math.floor(Number(now - start) / interval);
    for (; sent < due; sent++) {
      const p = once(start + BigInt(Math.round(sent * interval)));
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    // Yield to I/O; a timer of 1 ms keeps the schedule within a millisecond without spinning a core.
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inflight);
}

const running = rate > 0 ? [openLoop()] : Array.from({ length: concurrency }, closedLoopClient);
await new Promise((r) => setTimeout(r, warmup * 1000));
recording = true;
const t0 = Date.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
recording = false;
const elapsed = (Date.now() - t0) / 1000;
stop = true;
// Requests due in the window are waited for: a slow answer still counts, with its latency.
await Promise.all(running);
await pool.close();
lat.sort((a, b) => a - b);
const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? NaN;
process.send?.({ requests: lat.length, rps: lat.length / elapsed, p50: pct(50), p99: pct(99), p999: pct(99.9), errors });
