import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { McpUsageRecordTable, UsageRecordTable } from './schema.ts';
import type { UsageRepo } from './repos/usage.repo.ts';
import { RETENTION_TARGETS, sqliteRetentionSql, sqliteRollupSql, type RetentionTarget } from './usage-rollup.sql.ts';

/**
 * The worker's code, run with `eval: true` (CommonJS). It is a string rather than a file so that
 * it survives the esbuild bundle `npm start` runs (one output file, no second entry point to
 * locate) and runs the same under tsx. It holds its own better-sqlite3 connection to the same
 * file (WAL, so the main connection keeps reading while it writes) and answers a message only
 * after its transaction committed: a reply means the rows are visible to every connection.
 */
const WORKER_SOURCE = String.raw`
const { parentPort, workerData, threadId } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = ' + Number(workerData.busyTimeoutMs));
// Rollup upserts and id inserts land on random pages of large indexes: a 2 MB default page cache thrashes.
db.pragma('cache_size = -32768');
const TABLES = new Set(['usage_records', 'mcp_usage_records']);
const statements = new Map();
function statement(table, columns) {
  const key = table + ':' + columns.join(',');
  let s = statements.get(key);
  if (!s) {
    if (!TABLES.has(table) || !columns.every((c) => /^[a-z_]+$/.test(c))) throw new Error('unexpected usage table or column');
    s = db.prepare('insert into ' + table + ' (' + columns.join(', ') + ') values (' + columns.map(() => '?').join(', ') + ') on conflict (id) do nothing');
    statements.set(key, s);
  }
  return s;
}
// One transaction per batch: all of it or none of it, as the multi-row insert on the main thread was.
const insert = db.transaction((table, rows) => {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))].sort();
  const s = statement(table, columns);
  // Only rows actually inserted (not skipped as already written) are folded into the rollups.
  const inserted = [];
  for (const r of rows) if (s.run(columns.map((c) => (r[c] === undefined ? null : r[c]))).changes > 0) inserted.push(r.id);
  if (inserted.length > 0 && workerData.rollupSql[table]) prepared(workerData.rollupSql[table]).run(JSON.stringify(inserted));
});
const preparedByText = new Map();
function prepared(text) {
  let s = preparedByText.get(text);
  if (!s) preparedByText.set(text, (s = db.prepare(text)));
  return s;
}
// Retention slices run here too, so a large delete never holds the gateway's thread.
function retain(m) {
  const text = workerData.retentionSql[m.target];
  if (!text) throw new Error('unexpected retention target');
  return prepared(text).run(m.orgId, m.before, m.limit).changes;
}
const touchOne = db.prepare('update api_keys set last_used_at = ? where id = ?');
const touch = db.transaction((ids, at) => {
  for (const id of ids) touchOne.run(at, id);
});
parentPort.on('message', (m) => {
  if (m.op === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    let result;
    if (m.op === 'insert') insert(m.table, m.rows);
    else if (m.op === 'touch') touch(m.ids, m.at);
    else if (m.op === 'retain') result = retain(m);
    parentPort.postMessage({ id: m.id, ok: true, threadId, result });
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, threadId, message: String(e && e.message), code: e && e.code });
  }
});
`;

type Request = { op: 'insert'; table: 'usage_records' | 'mcp_usage_records'; rows: unknown[] } | { op: 'touch'; ids: string[]; at: string }
  | { op: 'retain'; target: RetentionTarget; orgId: string; before: string; limit: number };
type Reply = { id: number; ok: boolean; threadId: number; message?: string; code?: string; result?: unknown };

export interface SqliteUsageWorkerOptions {
  /** SQLite database file (not `:memory:`, which another connection cannot open). */
  file: string;
  /** How long the worker waits for another connection's write lock before giving up (SQLITE_BUSY → retried later). */
  busyTimeoutMs?: number;
}

/**
 * The usage writer's repository on SQLite: the same three writes as `usageRepo`, run by a worker
 * thread, so that better-sqlite3's synchronous inserts never block the event loop that serves
 * requests. Errors come back with their SQLite code, so the writer tells a refused row
 * (SQLITE_CONSTRAINT…) from an unreachable database exactly as before. A worker that dies fails
 * its calls as unreachable (the writer keeps the batch) and is started again on the next call.
 */
export class SqliteUsageWorker implements Pick<UsageRepo, 'insertUsage' | 'insertMcpUsage' | 'touchLastUsed'> {
  private worker: Worker | undefined;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly file: string;
  private readonly busyTimeoutMs: number;
  /** The thread id of the worker that answered last (0 would be the main thread): lets tests prove where writes run. */
  lastWriterThreadId: number | undefined;

  constructor(opts: SqliteUsageWorkerOptions) {
    this.file = resolve(opts.file);
    this.busyTimeoutMs = opts.busyTimeoutMs ?? 5000;
  }

  insertUsage(rows: UsageRecordTable[]): Promise<void> {
    return this.call({ op: 'insert', table: 'usage_records', rows });
  }

  insertMcpUsage(rows: McpUsageRecordTable[]): Promise<void> {
    return this.call({ op: 'insert', table: 'mcp_usage_records', rows });
  }

  async touchLastUsed(keyIds: string[], at = new Date().toISOString()): Promise<void> {
    if (keyIds.length === 0) return;
    return this.call({ op: 'touch', ids: keyIds, at });
  }

  /** Deletes one slice of rows older than `before` (see usage-retention.ts); answers how many went. */
  async deleteSlice(target: RetentionTarget, orgId: string, before: string, limit: number): Promise<number> {
    return Number(await this.call({ op: 'retain', target, orgId, before, limit }));
  }

  /** Lets the worker close its connection and end; calls still waiting fail as unreachable. */
  async close(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    const exited = new Promise<void>((r) => w.once('exit', () => r()));
    w.ref();
    w.postMessage({ op: 'close' });
    const timer = setTimeout(() => void w.terminate(), 5000);
    await exited;
    clearTimeout(timer);
  }

  private call(req: Request & { op: 'retain' }): Promise<unknown>;
  private call(req: Request): Promise<void>;
  private call(req: Request): Promise<unknown> {
    const w = this.start();
    const id = ++this.seq;
    return new Promise<unknown>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // Referenced only while a call waits: an idle worker never keeps the process alive, and a
      // flush at shutdown is not cut short by the process exiting under it.
      if (this.waiting.size === 1) w.ref();
      w.postMessage({ ...req, id });
    });
  }

  private settle(id: number, f: (p: { resolve: (v: unknown) => void; reject: (e: Error) => void }) => void): void {
    const p = this.waiting.get(id);
    if (!p) return;
    this.waiting.delete(id);
    if (this.waiting.size === 0) this.worker?.unref();
    f(p);
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: {
      driver, file: this.file, busyTimeoutMs: this.busyTimeoutMs,
      rollupSql: { usage_records: sqliteRollupSql('usage_records'), mcp_usage_records: sqliteRollupSql('mcp_usage_records') },
      retentionSql: Object.fromEntries(Object.keys(RETENTION_TARGETS).map((t) => [t, sqliteRetentionSql(t as RetentionTarget)])),
    } });
    w.unref();
    w.on('message', (m: Reply) => {
      this.lastWriterThreadId = m.threadId;
      this.settle(m.id, (p) => (m.ok ? p.resolve(m.result) : p.reject(Object.assign(new Error(m.message), { code: m.code }))));
    });
    const fail = (e: Error) => {
      if (this.worker === w) this.worker = undefined;
      for (const id of [...this.waiting.keys()]) this.settle(id, (p) => p.reject(Object.assign(new Error(`usage writer thread ended: ${e.message}`), { code: 'USAGE_WORKER_EXIT' })));
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    this.worker = w;
    return w;
  }
}
