import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, type Config } from '../config/env.ts';

/**
 * STDIO MCP servers start processes on the gateway host, so only the deployment defines them:
 * `ODOCK_MCP_STDIO_ALLOWLIST` names a JSON file of named commands, and an organisation picks one
 * by name (`stdioCommand`). Nothing an organisation stores is ever executed.
 *
 * Storage: the chosen name is kept in `mcp_servers.command` as `allowlist:<name>` (no migration).
 * A STDIO row whose command lacks that prefix was stored before the allowlist existed (a
 * free-form command): it is never started.
 */
export const STDIO_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const PREFIX = 'allowlist:';

const Entry = z.object({
  command: z.string().min(1).max(4096),
  args: z.array(z.string().max(4096)).max(200).default([]),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable names are letters, digits and _'), z.string().max(100_000)).default({}),
}).strict();
const File = z.record(z.string().regex(STDIO_NAME, 'names are lowercase letters, digits, dots, dashes and underscores'), Entry);

export type StdioEntry = z.infer<typeof Entry>;

/** Who STDIO children run as: set only when the gateway is root (it cannot switch user otherwise). */
export interface RunAs {
  user: string;
  uid: number;
  gid: number;
}

export interface StdioAllowlist {
  /** False when ODOCK_MCP_STDIO_ALLOWLIST is unset: STDIO servers are refused. */
  configured: boolean;
  entries: ReadonlyMap<string, StdioEntry>;
  runAs: RunAs | undefined;
}

const loaded = new WeakMap<object, StdioAllowlist>();

/** The deployment's allowlist, loaded and validated once per configuration (at boot). */
export function stdioAllowlistOf(config: Readonly<Config>): StdioAllowlist {
  let list = loaded.get(config);
  if (!list) {
    list = load(config);
    loaded.set(config, list);
  }
  return list;
}

function load(config: Readonly<Config>): StdioAllowlist {
  const path = config.ODOCK_MCP_STDIO_ALLOWLIST;
  if (!path) return { configured: false, entries: new Map(), runAs: undefined };
  const bad = (why: string) => new ConfigError(`Invalid configuration:\n  ODOCK_MCP_STDIO_ALLOWLIST: ${why}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw bad(`cannot read ${path} as JSON (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const parsed = File.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw bad(`${path}: ${i.path.join('.') || '(root)'}: ${i.message} (expected {"name": {"command": "...", "args": [...], "env": {...}}})`);
  }
  return { configured: true, entries: new Map(Object.entries(parsed.data)), runAs: runAsFor(config.ODOCK_MCP_STDIO_USER) };
}

/** As root, children drop to the configured unprivileged user; it must exist. */
function runAsFor(user: string): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    /* refused below */
  }
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    if (f[0] === user && f.length >= 4) {
      const uid = Number(f[2]);
      const gid = Number(f[3]);
      if (Number.isInteger(uid) && Number.isInteger(gid) && uid !== 0 && gid !== 0) return { user, uid, gid };
    }
  }
  throw new ConfigError(`Invalid configuration:\n  ODOCK_MCP_STDIO_USER: the gateway runs as root, so STDIO MCP servers run as '${user}', but no such non-root user exists in /etc/passwd`);
}

/** The stored form of an allowlist name. */
export const storedStdioCommand = (name: string) => `${PREFIX}${name}`;

/** The allowlist name of a stored command, or null (none, or a free-form command from before the allowlist). */
export function stdioNameOf(stored: string | null | undefined): string | null {
  return stored && stored.startsWith(PREFIX) ? stored.slice(PREFIX.length) : null;
}
