// Load generator (its own process): C concurrent keep-alive clients for D seconds after a warm-up;
// records each request's latency to the last byte.
import { Pool } from 'undici';

const url = new URL(process.env.TARGET!);
const concurrency = Number(process.env.CONCURRENCY ?? 32);
const seconds = Number(process.env.SECONDS ?? 10);
const warmup = Number(process.env.WARMUP ?? 2);
const stream = process.env.STREAM === '1';
const key = process.env.KEY ?? 'sk-bench';
const body = JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Say hello.' }], ...(stream ? { stream: true } : {}) });
const pool = new Pool(url.origin, { connections: concurrency, pipelining: 1, keepAliveTimeout: 60_000 });
const path = url.pathname;

const lat: number[] = [];
let errors = 0;
let recording = false;
let stop = false;

async function worker() {
  while (!stop) {
    const t = process.hrtime.bigint();
    try {
      const r = await pool.request({ method: 'POST', path, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });
      for await (const _ of r.body) { /* drain */ }
      if (r.statusCode !== 200) errors++;
    } catch {
      errors++;
    }
    if (recording) lat.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
}

const workers = Array.from({ length: concurrency }, worker);
await new Promise((r) => setTimeout(r, warmup * 1000));
recording = true;
const t0 = Date.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
recording = false;
const elapsed = (Date.now() - t0) / 1000;
stop = true;
await Promise.all(workers);
await pool.close();
lat.sort((a, b) => a - b);
const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? NaN;
process.send?.({ requests: lat.length, rps: lat.length / elapsed, p50: pct(50), p99: pct(99), errors });
