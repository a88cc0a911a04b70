// The floor: a minimal undici pass-through proxy (no auth, no parsing), the physical limit of a
// Node proxy on this machine. Odock's throughput and latency are reported against it.
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Agent, request } from 'undici';

const target = process.env.UPSTREAM!;
const agent = new Agent({ keepAliveTimeout: 60_000, connections: 256 });
const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  try {
    const up = await request(target + req.url!.replace(/^\/v1/, ''), {
      method: 'POST', dispatcher: agent, body: Buffer.concat(chunks), headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
    });
    res.writeHead(up.statusCode, { 'content-type': String(up.headers['content-type'] ?? 'application/json') });
    for await (const c of up.body) res.write(c);
    res.end();
  } catch {
    res.writeHead(502).end();
  }
});
server.keepAliveTimeout = 60_000;
// Its event-loop delay, measured as Odock's is (bench/odock-server.ts): what a bare proxy's loop does under the same load.
const eld = monitorEventLoopDelay({ resolution: 1 });
eld.enable();
process.on('message', (msg: { cmd: string }) => {
  if (msg.cmd === 'eld-reset') {
    eld.reset();
    process.send?.({ ok: true });
  }
  if (msg.cmd === 'eld') process.send?.({ p50: eld.percentile(50) / 1e6, p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 });
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as { port: number }).port }));
