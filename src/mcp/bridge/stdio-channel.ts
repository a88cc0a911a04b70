import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { GatewayError } from '../../errors/index.ts';
import type { RpcMessage } from '../jsonrpc.ts';
import type { Channel } from './channel.ts';

const MAX_LINE_CHARS = 32 * 1024 * 1024;
const STOP_GRACE_MS = 2000;

// The child gets these from the gateway's environment and nothing else: the gateway's own
// variables (master key, database and Redis URLs, admin password) must never reach a tool.
const INHERITED_ENV = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'TEMP', 'TMP', 'SYSTEMROOT', 'TERM'];

export function childEnv(own: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of INHERITED_ENV) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return { ...env, ...own };
}

export interface StdioSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Set when the gateway runs as root: the child runs as this unprivileged user. */
  runAs?: { user: string; uid: number; gid: number };
}

/**
 * A fresh, empty working directory for one child, owned by the user it runs as (mode 0700), so
 * the child starts nowhere near the gateway's data directory and cannot read another child's files.
 */
function workDir(runAs: StdioSpec['runAs']): string {
  const dir = mkdtempSync(join(tmpdir(), 'odock-mcp-'));
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  return dir;
}

/**
 * An MCP server run as a child process (MCP spec, stdio transport): newline-delimited JSON-RPC
 * on stdin/stdout, stderr drained into the gateway's debug log. No shell is involved, so args
 * are passed as they are. Stopping follows the spec: close stdin, then SIGTERM, then SIGKILL.
 */
export class StdioChannel implements Channel {
  onmessage: (msg: RpcMessage) => void = () => {};
  onclose: (reason: string) => void = () => {};
  private child: ChildProcessWithoutNullStreams | undefined;
  private stopping = false;
  private exited: Promise<void> | undefined;

  constructor(private readonly spec: StdioSpec, private readonly logger: Logger, private readonly label: string) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const { runAs } = this.spec;
      let cwd: string;
      try {
        cwd = workDir(runAs);
      } catch (err) {
        this.logger.warn({ server: this.label, err: (err as Error).message }, 'MCP stdio server: no working directory');
        reject(new GatewayError('mcp_upstream_error', 'The MCP server process could not be started'));
        return;
      }
      // As root the child drops to the unprivileged user (libuv also drops supplementary groups);
      // its HOME is its own empty directory, not the gateway's.
      const env = childEnv(runAs ? { HOME: cwd, USER: runAs.user, LOGNAME: runAs.user, ...this.spec.env } : this.spec.env);
      const child = spawn(this.spec.command, this.spec.args, {
        env, cwd, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true, ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
      });
      this.child = child;
      this.exited = new Promise((done) => child.once('close', () => {
        rmSync(cwd, { recursive: true, force: true });
        done();
      }));
      child.once('error', (err) => {
        rmSync(cwd, { recursive: true, force: true });
        this.logger.warn({ server: this.label, err: (err as NodeJS.ErrnoException).code ?? err.message }, 'MCP stdio server could not start');
        reject(new GatewayError('mcp_upstream_error', 'The MCP server process could not be started'));
        this.ended('spawn failed');
      });
      child.once('spawn', () => resolve());
      child.once('exit', (code, signal) => this.ended(`exited (${signal ?? code})`));
      child.stdin.on('error', () => {}); // EPIPE after a crash is reported through 'exit'
      this.readLines(child.stdout, (line) => {
        let msg: unknown;
        try {
          msg = JSON.parse(line);
        } catch {
          this.logger.debug({ server: this.label }, 'MCP stdio server wrote a non-JSON line');
          return;
        }
        for (const m of Array.isArray(msg) ? msg : [msg]) if (m && typeof m === 'object') this.onmessage(m as RpcMessage);
      });
      this.readLines(child.stderr, (line) => this.logger.debug({ server: this.label, stderr: line.slice(0, 2000) }, 'MCP stdio server stderr'));
    });
  }

  send(msg: RpcMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed || !stdin.writable) return Promise.reject(new GatewayError('mcp_upstream_error', 'The MCP server process is not running'));
    return new Promise((resolve, reject) => {
      stdin.write(`${JSON.stringify(msg)}\n`, (err) => (err ? reject(new GatewayError('mcp_upstream_error', 'The MCP server process is not running')) : resolve()));
    });
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child || this.stopping) return this.exited;
    this.stopping = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin.end();
    const term = setTimeout(() => child.kill('SIGTERM'), STOP_GRACE_MS);
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS * 2);
    await this.exited;
    clearTimeout(term);
    clearTimeout(kill);
  }

  private ended(reason: string): void {
    if (this.stopping) return;
    this.stopping = true;
    this.onclose(reason);
  }

  private readLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        if (line.trim().length > 0) onLine(line);
      }
      if (buf.length > MAX_LINE_CHARS) {
        this.logger.warn({ server: this.label }, 'MCP stdio server wrote an oversized line; restarting it');
        buf = '';
        this.child?.kill('SIGKILL');
      }
    });
  }
}
