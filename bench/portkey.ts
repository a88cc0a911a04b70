// The Portkey gateway (npm `@portkey-ai/gateway`, headless) as a bench target: started on a free
// port, ready once it answers; reports its port over IPC like the other targets. Requests reach
// the fake upstream through Portkey's own headers (provider openai, custom host).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});
const pkg = createRequire(import.meta.url).resolve('@portkey-ai/gateway/package.json');
const child = spawn(process.execPath, [join(dirname(pkg), 'build', 'start-server.js'), `--port=${port}`, '--headless'], { stdio: 'ignore' });
const stopChild = () => child.kill('SIGKILL');
process.on('exit', stopChild);
process.on('SIGTERM', () => process.exit(0));
for (let i = 0; i < 200; i++) {
  const up = await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false);
  if (up) break;
  await new Promise((r) => setTimeout(r, 50));
}
process.send?.({ port, pid: child.pid });
process.on('disconnect', () => process.exit(0));
