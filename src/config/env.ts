import { z } from 'zod';
import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { deriveSso, ssoEnvIssues, ssoEnvShape, type OtelConfig, type SsoConfig } from './sso-env.ts';

// One schema, validated at boot, frozen. Nothing else reads process.env.
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const seconds = z.coerce.number().int().min(0).max(86_400);

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  ODOCK_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().regex(/^(sqlite:|postgres:\/\/|postgresql:\/\/)/, 'must start with sqlite: or postgres://').optional(),
  /** PostgreSQL schema to use (tests isolate themselves with it). */
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/).optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/).default('odock:'),
  ODOCK_MASTER_KEY: z.string().optional(),
  /** Read only by `npm run rewrap-secrets`: the master key to re-wrap every stored secret under. */
  ODOCK_NEW_MASTER_KEY: z.string().optional(),
  AUTH_CACHE_TTL: seconds.default(300),
  AUTH_NEGATIVE_CACHE_TTL: seconds.default(30),
  CACHE_INVALIDATION_CHANNEL: z.string().min(1).default('odock:cache-invalidation'),
  ODOCK_ADMIN_EMAIL: z.string().email().optional(),
  ODOCK_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUSTED_PROXY_CIDRS: z.string().default(''),
  ODOCK_ALLOW_PRIVATE_UPSTREAMS: bool.default(false),
  RATE_LIMIT_REDIS_FAILURE: z.enum(['local', 'closed']).default('local'),
  USAGE_FLUSH_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(15_000),
  MAX_REQUEST_BYTES: z.coerce.number().int().min(1024).max(1 << 30).default(10 * 1024 * 1024),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 7),
  ODOCK_INSTANCE_ID: z.string().optional(),
  /** Path of a JSON file of named STDIO MCP commands: the only commands the gateway will start. Unset: STDIO refused. */
  ODOCK_MCP_STDIO_ALLOWLIST: z.string().min(1).optional(),
  /** When the gateway runs as root, STDIO MCP children run as this unprivileged user. */
  ODOCK_MCP_STDIO_USER: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/).default('nobody'),
  /** Per organisation and upstream origin: most pooled connections, and most open MCP streams. */
  UPSTREAM_MAX_CONNECTIONS_PER_ORG: z.coerce.number().int().min(1).max(10_000).default(32),
  MCP_MAX_OPEN_STREAMS_PER_ORG: z.coerce.number().int().min(1).max(10_000).default(16),
  /** Longest time a client may take to send a whole request (headers and body); responses are not cut. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  /** Deepest JSON nesting accepted in a request body. */
  MAX_JSON_DEPTH: z.coerce.number().int().min(8).max(10_000).default(64),
  /** Most bytes of non-streamed upstream bodies held in memory at once, across all calls. */
  MAX_BUFFERED_UPSTREAM_BYTES: z.coerce.number().int().min(1 << 20).max(2 ** 34).default(256 * 1024 * 1024),
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Operator access tokens expire after this many days. */
  OPERATOR_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** Login throttling: failed attempts allowed per email and per client IP within the window. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(10),
  LOGIN_WINDOW_SECONDS: seconds.default(900),
  /** Invitation links stay valid this many hours. */
  INVITATION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(72),
  /** How long the Responses surface keeps the output items it answered, for later `item_reference`s. */
  RESPONSES_ITEM_TTL_SECONDS: seconds.default(3600),
  /** How long a deployment rests after a 429, 5xx or timeout that carried no Retry-After. */
  ROUTING_COOLDOWN_SECONDS: seconds.default(30),
  /** Budget alert webhooks: how often the outbox is polled, and the first retry delay (doubling after each failure). */
  WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(2000),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(5000),
  /** Worker processes serving the one port (`auto`: one per core). 1 runs everything in one process. */
  ODOCK_WORKERS: z.string().regex(/^(auto|[1-9][0-9]{0,2})$/, 'must be auto or a number from 1 to 999').default('1'),
  /** Raw usage records (model and MCP) are kept this many days; rollups are kept for good. 0: keep raw records for good. */
  USAGE_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(90),
  /** Minute rollups are kept this many days (hour and day rollups for good). 0: keep them for good. */
  USAGE_MINUTE_ROLLUP_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(14),
  /** Company sign-in and OpenTelemetry (sso-env.ts). */
  ...ssoEnvShape,
}).superRefine((env, ctx) => {
  for (const i of ssoEnvIssues(env)) ctx.addIssue({ code: 'custom', path: [i.path], message: i.message });
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config extends Env {
  dataDir: string;
  databaseUrl: string;
  dialect: 'sqlite' | 'postgres';
  trustedProxyCidrs: string[];
  instanceId: string;
  /** Company sign-in settings, grouped (sso-env.ts). */
  sso: SsoConfig;
  /** Set only when an OTLP endpoint is configured: tracing is off otherwise. */
  otel?: OtelConfig;
  /** ODOCK_WORKERS resolved: how many worker processes (1 = no cluster). */
  workers: number;
}

export class ConfigError extends Error {}

export function loadConfig(source: Record<string, string | undefined> = process.env): Readonly<Config> {
  // Empty strings mean "unset" so that `FOO= npm start` behaves like no FOO.
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const v = source[key];
    if (v !== undefined && v !== '') cleaned[key] = v;
  }
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const dataDir = resolve(env.ODOCK_DATA_DIR);
  const databaseUrl = env.DATABASE_URL ?? `sqlite:${resolve(dataDir, 'odock.db')}`;
  const workers = env.ODOCK_WORKERS === 'auto' ? availableParallelism() : Number(env.ODOCK_WORKERS);
  if (workers > 1 && databaseUrl === 'sqlite::memory:') {
    throw new ConfigError('Invalid configuration:\n  ODOCK_WORKERS: workers share the database; an in-memory SQLite database cannot be shared');
  }
  const trustedProxyCidrs = env.TRUSTED_PROXY_CIDRS.split(',').map((s) => s.trim()).filter(Boolean);
  return Object.freeze({
    ...env,
    dataDir,
    databaseUrl,
    dialect: databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres',
    trustedProxyCidrs,
    workers,
    instanceId: env.ODOCK_INSTANCE_ID ?? `${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    ...deriveSso(env),
  } as Config);
}

/** For commands (the server, the CLIs): the configuration, or exit 2 with the message naming the bad variable. */
export function loadConfigOrExit(): Readonly<Config> {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}
