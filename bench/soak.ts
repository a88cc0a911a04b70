// `npx tsx bench/soak.ts`: a soak of Odock (bundled, as npm start runs it) with mixed streaming and
// non-streaming chat and clients that hang up mid-stream, sampling its RSS and open sockets every 10 s.
// SOAK_SECONDS (default 300). Writes bench/reports/soak.md. Not a pass/fail test.
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readlinkSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

const here = dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const bundle = join(here, 'reports', 'odock-server.bundle.mjs');
if (!existsSync(bundle)) throw new Error('run `npm run bench` once first: it builds reports/odock-server.bundle.mjs');

function start(file: string, env: Record<string, string>): Promise<{ child: ChildProcess; msg: any }> {
  const child = fork(file, [], { execArgv: file.endsWith('.mjs') ? [] : ['--import', 'tsx'], env: { ...process.env, ...env } });
  return new Promise((resolve) => child.once('message', (msg) => resolve({ child, msg })));
}
const rssMb = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
const sockets = (pid: number) => readdirSync(`/proc/${pid}/fd`).filter((fd) => {
  try { return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:'); } catch { return false; }
}).length;

const up = await start(join(here, 'upstream.ts'), {});
const od = await start(bundle, { UPSTREAM: `http://127.0.0.1:${up.msg.port}` });
const pool = new Pool(`http://127.0.0.1:${od.msg.port}`, { connections: 8 });
const headers = { authorization: `Bearer ${od.msg.key}`, 'content-type': 'application/json' };
let stop = false;
const counts = { ok: 0, aborted: 0, errors: 0 };

async function worker(i: number) {
  for (let n = 0; !stop; n++) {
    const stream = (n + i) % 2 === 0;
    const hangUp = stream && n % 5 === 0;
    const ac = new AbortController();
    try {
      const r = await pool.request({ method: 'POST', path: '/v1/chat/completions', headers, signal: ac.signal,
        body: JSON.stringify({ model: 'gpt-4.1-mini', stream, messages: [{ role: 'user', content: 'soak' }] }) });
      if (hangUp) {
        for await (const _ of r.body) { ac.abort(); break; }
        counts.aborted++;
      } else {
        await r.body.text();
        if (r.statusCode === 200) counts.ok++; else counts.errors++;
      }
    } catch {
      if (hangUp) counts.aborted++; else counts.errors++;
    }
  }
}

const samples: { t: number; rss: number; sockets: number }[] = [];
const sample = () => samples.push({ t: samples.length * 10, rss: rssMb(od.child.pid!), sockets: sockets(od.child.pid!) });
sample();
const workers = Array.from({ length: 8 }, (_, i) => worker(i));
const timer = setInterval(sample, 10_000);
await new Promise((r) => setTimeout(r, SECONDS * 1000));
stop = true;
await Promise.all(workers);
clearInterval(timer);
await new Promise((r) => setTimeout(r, 2000));
sample();
await pool.close();
od.child.kill('SIGKILL');
up.child.kill('SIGKILL');

const lines = [
  `# Odock soak — ${new Date().toISOString()}`, '',
  `${SECONDS} s, 8 clients, streaming and non-streaming mixed, one streaming call in five hung up after its first chunk.`,
  `Requests: ${counts.ok} completed, ${counts.aborted} hung up by the client, ${counts.errors} errors.`, '',
  '| t (s) | RSS MB | open sockets |', '|---:|---:|---:|',
  ...samples.map((s, i) => `| ${i === samples.length - 1 ? `${SECONDS} + 2 (idle)` : s.t} | ${s.rss} | ${s.sockets} |`), '',
];
mkdirSync(join(here, 'reports'), { recursive: true });
writeFileSync(join(here, 'reports', 'soak.md'), lines.join('\n'));
console.log(lines.join('\n'));
process.exit(0);
