import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { DIALECTS, PG_URL, needPostgres } from '../helpers/services.ts';
import { runInitialSetup } from './setup-flow.steps.ts';

/** Every row of every table, as text: what `SELECT *` on the whole database shows. */
async function dumpTables(odock: TestOdock): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (odock.config.dialect === 'sqlite') {
    const db = new SQLite(odock.config.databaseUrl.slice('sqlite:'.length), { readonly: true });
    try {
      const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>;
      for (const { name } of tables) out[name] = JSON.stringify(db.prepare(`select * from "${name}"`).all());
    } finally {
      db.close();
    }
    return out;
  }
  const schema = odock.config.DATABASE_SCHEMA!;
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    const tables = await c.query("select table_name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE'", [schema]);
    for (const { table_name: name } of tables.rows) {
      const rows = await c.query(`select row_to_json(t)::text as j from "${schema}"."${name}" t`);
      out[name] = rows.rows.map((r) => r.j).join('\n');
    }
  } finally {
    await c.end();
  }
  return out;
}

/** The forms a leaked secret could take in storage: as is, base64 and hex. */
function forms(secret: string): string[] {
  const b = Buffer.from(secret, 'utf8');
  return [secret, b.toString('base64'), b.toString('base64url'), b.toString('hex')];
}

function assertAbsent(haystack: string, secret: string, where: string) {
  for (const f of forms(secret)) assert.ok(!haystack.includes(f), `${where} holds a secret (${f === secret ? 'plaintext' : 'encoded'})`);
}

for (const dialect of DIALECTS) {
  test(`after the setup flow, neither the provider key nor the virtual key is stored or returned (${dialect})`, async (t) => {
    if (dialect === 'postgres') {
      const reason = await needPostgres();
      if (reason) return t.skip(reason);
    }
    const odock = await startOdock({ dialect });
    t.after(() => odock.close());
    const r = await runInitialSetup(odock.url);
    const { admin } = r;
    const base = `/api/organisations/${r.orgId}`;

    // An MCP server with upstream credentials is a stored secret too.
    const mcpSecret = `mcp-bearer-${crypto.randomUUID()}`;
    const mcpEnvSecret = `env-secret-${crypto.randomUUID()}`;
    await admin.ok('POST', `${base}/mcp-servers`, { name: 'Docs', slug: 'docs', transport: 'STREAMABLE_HTTP', endpointUrl: 'http://127.0.0.1:9/mcp', authType: 'BEARER', authSecret: mcpSecret });
    // (STDIO servers no longer take an environment from the organisation: an OAuth2 client secret is the second stored MCP secret.)
    await admin.ok('POST', `${base}/mcp-servers`, {
      name: 'Local', slug: 'local', transport: 'STREAMABLE_HTTP', endpointUrl: 'http://127.0.0.1:9/local', authType: 'OAUTH2',
      authConfig: { tokenUrl: 'http://127.0.0.1:9/token', clientId: 'odock' }, authSecret: mcpEnvSecret,
    });
    // A second key that is created but never revealed: its secret must not be in clear either.
    const unrevealed = await admin.ok('POST', `${base}/api-keys`, { type: 'ORGANISATION', name: 'unrevealed' });
    // Rotate the revealed key and reveal again, so history rows exist too.
    await admin.ok('POST', `${base}/api-keys/${r.apiKeyId}/rotate`, {});
    const rotated = (await admin.ok('POST', `${base}/api-keys/${r.apiKeyId}/reveal`)).key as string;
    // A budget alert webhook's signing secret.
    const webhookSecret = `whsec-${crypto.randomUUID()}`;
    const hook = await admin.ok('POST', `${base}/webhooks`, { url: 'https://hooks.example.test/odock', secret: webhookSecret });
    assert.ok(!JSON.stringify(hook).includes(webhookSecret) && !JSON.stringify(await admin.ok('GET', `${base}/webhooks`)).includes(webhookSecret));
    const secrets = [r.providerSecret, r.virtualKey, rotated, mcpSecret, mcpEnvSecret, webhookSecret];

    const tables = await dumpTables(odock);
    for (const name of ['provider_keys', 'api_keys', 'mcp_servers', 'api_key_rotations', 'odock_meta', 'webhooks']) assert.ok(name in tables, `dump includes ${name}`);
    const all = Object.values(tables).join('\n');
    for (const s of secrets) assertAbsent(all, s, 'the database');
    // The dump is not vacuous: it holds the ciphertext and the hashes the gateway needs.
    assert.match(tables.provider_keys, /v1\.[0-9a-f]{12}\./);
    assert.ok(all.includes(createHash('sha256').update(rotated).digest('hex')), 'the current key is stored as its SHA-256');
    assert.ok(tables.api_keys.includes(unrevealed.id));

    if (dialect === 'sqlite') {
      // The raw file and its write-ahead log, free pages included.
      const file = odock.config.databaseUrl.slice('sqlite:'.length);
      const raw = [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('');
      for (const s of secrets) assertAbsent(raw, s, 'the SQLite file');
    }

    // Every admin read after the reveal: masked values only.
    const reads = [
      `${base}/api-keys`, `${base}/api-keys/${r.apiKeyId}`, `${base}/api-keys/${r.apiKeyId}/rotations`, `${base}/api-keys/${r.apiKeyId}/model-access`,
      `${base}/models`, `${base}/models/${r.modelIds['gpt-4.1']}/api-keys`, `${base}/providers`, `${base}/providers/${r.providerId}`,
      `${base}/providers/${r.providerId}/keys`, `${base}/mcp-servers`, `${base}/usage`, '/api/auth/me',
    ];
    const bodies = [...r.responsesAfterReveal];
    for (const p of reads) {
      const res = await admin.get(p);
      assert.equal(res.status, 200, p);
      bodies.push(JSON.stringify(res.body));
    }
    for (const again of [r.apiKeyId, unrevealed.id]) {
      bodies.push(JSON.stringify((await admin.post(`${base}/api-keys/${again}/rotate`, {})).body));
    }
    const said = bodies.join('\n');
    for (const s of secrets) assertAbsent(said, s, 'an admin response');
  });
}
