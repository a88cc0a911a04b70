import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { IN_CI } from './services.ts';

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

const BIN = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));

export function redisServerMissing(): string | undefined {
  if (BIN) return undefined;
  if (IN_CI) throw new Error('redis-server is required in CI for the outage tests');
  return 'redis-server not installed (skipped outside CI)';
}

/**
 * A Redis of the test's own on another port, so it can be stopped and restarted without
 * touching the shared one.
 */
export class PrivateRedis {
  private proc?: ChildProcess;
  /** With `dataDir`, every write is persisted (AOF, fsync always): a restart comes back with the data. */
  constructor(readonly port: number, private readonly opts: { dataDir?: string } = {}) {}

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const persistence = this.opts.dataDir ? ['--dir', this.opts.dataDir, '--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    this.proc = spawn(BIN!, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...persistence], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = createConnection({ host: '127.0.0.1', port: this.port });
        s.once('connect', () => { s.destroy(); resolve(true); });
        s.once('error', () => resolve(false));
      });
      if (ok) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('private redis did not start');
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }
}
