import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IN_CI } from './services.ts';

const VERSIONS = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort() : [];
const BIN = VERSIONS.length ? `/usr/lib/postgresql/${VERSIONS[VERSIONS.length - 1]}/bin` : undefined;

export function postgresServerMissing(): string | undefined {
  if (BIN && existsSync(join(BIN, 'initdb'))) return undefined;
  if (IN_CI) throw new Error('PostgreSQL server binaries are required in CI for the restart tests');
  return 'PostgreSQL server binaries not installed (skipped outside CI)';
}

/** The postgres server refuses to run as root: run it as the postgres user when we are root. */
function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

/**
 * A PostgreSQL of the test's own (initdb into a temporary folder, another port), so it can be
 * stopped and restarted without touching the shared server.
 */
export class PrivatePostgres {
  readonly dir: string;
  constructor(readonly port: number) {
    this.dir = mkdtempSync(join(tmpdir(), 'odock-pg-'));
    if (process.getuid?.() === 0) chownSync(this.dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
    const [cmd, args] = asPostgres(join(BIN!, 'initdb'), ['-D', this.dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    execFileSync(cmd, args, { stdio: 'ignore' });
  }

  get url() {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private started = false;

  /** pg_ctl start/stop: signals reach the server itself, not a runuser wrapper. */
  private ctl(args: string[]) {
    const [cmd, a] = asPostgres(join(BIN!, 'pg_ctl'), args);
    execFileSync(cmd, a, { stdio: 'ignore', timeout: 30_000 });
  }

  async start(): Promise<void> {
    this.ctl(['-D', this.dir, '-w', '-l', join(this.dir, 'server.log'), '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
    this.started = true;
  }

  /** Fast shutdown: open connections are terminated, as in a restart. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.ctl(['-D', this.dir, '-w', '-m', 'fast', 'stop']);
    this.started = false;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
