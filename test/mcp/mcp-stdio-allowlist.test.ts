// Red-team finding (issue 10): any org admin or manager could create a STDIO MCP server running
// /bin/sh -c … as the gateway's user. Commands now come only from the deployment's allowlist.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/env.ts';
import { stdioAllowlistOf } from '../../src/mcp/stdio-allowlist.ts';
import { mcpGatewayOf } from '../../src/mcp/mcp.plugin.ts';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import type { AdminClient } from '../helpers/admin-client.ts';
import { EVERYTHING_ENTRY } from './fixtures/everything-server.ts';
import { writeAllowlist, type AllowlistFile } from './fixtures/stdio-allowlist.ts';
import { INIT, McpAdmin, connectClient, rawPost } from './mcp-setup.ts';

/** A server row as stored before the allowlist existed: a free-form command that must never run. */
async function insertLegacyStdio(odock: TestOdock, orgId: string, slug: string, marker: string): Promise<string> {
  const id = randomUUID();
  const now = new Date().toISOString();
  await odock.deps.store.db.insertInto('mcp_servers').values({
    id, organisation_id: orgId, name: slug, slug, description: null, transport: 'STDIO', endpoint_url: null,
    command: '/bin/sh', args: JSON.stringify(['-c', `touch ${marker}`]), env_ciphertext: null, auth_type: 'NONE', auth_config: '{}',
    auth_ciphertext: null, enabled: 1, allowed_tools: '[]', blocked_tools: '[]', created_at: now, updated_at: now,
  }).execute();
  await odock.deps.invalidate({ kind: 'org', orgId });
  return id;
}

describe('STDIO servers run only commands from the deployment allowlist', () => {
  let odock: TestOdock;
  let org: McpAdmin;
  let manager: AdminClient;
  let allowlist: AllowlistFile;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'odock-marker-'));
    allowlist = writeAllowlist();
    odock = await startOdock({ env: allowlist.env });
    org = await McpAdmin.forDefaultOrg(odock);
    manager = await org.asRole('manager');
  });
  after(async () => {
    await odock?.close();
    allowlist?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an admin or a manager supplying command, args or env → 400 naming the field; nothing stored, nothing ever started', async () => {
    const marker = join(dir, 'created-by-an-organisation');
    const hook = join(dir, 'hook.cjs');
    writeFileSync(hook, `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`);
    const good = await org.server({ slug: 'good', transport: 'STDIO', stdioCommand: 'everything' });
    const stored = await org.admin.ok('GET', `${org.base}/mcp-servers/${good.id}`);
    const attacks: Array<[Record<string, unknown>, string]> = [
      [{ transport: 'STDIO', command: '/bin/sh', args: ['-c', `touch ${marker}`] }, 'command'],
      [{ transport: 'STDIO', command: 'everything' }, 'command'],
      [{ transport: 'STDIO', stdioCommand: 'everything', args: ['-e', `require(${JSON.stringify(hook)})`] }, 'args'],
      [{ transport: 'STDIO', stdioCommand: 'everything', env: { NODE_OPTIONS: `--require ${hook}` } }, 'env'],
      [{ transport: 'STDIO', stdioCommand: '/bin/sh' }, 'stdioCommand'],
      [{ transport: 'STDIO', stdioCommand: 'not-in-the-list' }, 'stdioCommand'],
      [{ transport: 'STDIO' }, 'stdioCommand'],
    ];
    for (const [who, client] of [['admin', org.admin], ['manager', manager]] as const) {
      for (const [i, [body, field]] of attacks.entries()) {
        const created = await client.post(`${org.base}/mcp-servers`, { name: `evil ${i}`, slug: `evil-${who}-${i}`, ...body });
        assert.equal(created.status, 400, `${who} POST ${JSON.stringify(body)} → ${created.status} ${JSON.stringify(created.body)}`);
        assert.equal(created.body.error.field, field, `${who} POST ${JSON.stringify(body)}`);
        if (!('command' in body || 'args' in body || 'env' in body || 'stdioCommand' in body)) continue; // a no-op as a PATCH
        const patched = await client.patch(`${org.base}/mcp-servers/${good.id}`, body);
        assert.equal(patched.status, 400, `${who} PATCH ${JSON.stringify(body)} → ${patched.status} ${JSON.stringify(patched.body)}`);
        assert.equal(patched.body.error.field, field);
      }
    }
    assert.deepEqual(await org.admin.ok('GET', `${org.base}/mcp-servers/${good.id}`), stored, 'the server is unchanged');
    const list = (await org.admin.ok('GET', `${org.base}/mcp-servers`)).items;
    assert.deepEqual(list.map((s: { slug: string }) => s.slug), ['good']);

    // Every server the organisation has, initialized: only the allowlisted command runs.
    const k = await org.key(list.map((s: { id: string }) => s.id));
    for (const s of list) await rawPost(odock, s.slug, k.secret, INIT);
    for (let i = 0; i < attacks.length; i++) assert.equal((await rawPost(odock, `evil-admin-${i}`, k.secret, INIT)).status, 404);
    assert.equal(existsSync(marker), false, 'no command of the organisation ran');
  });

  test('a free-form command stored before the allowlist is never started; an admin can replace it by a name', async () => {
    const marker = join(dir, 'legacy-ran');
    const id = await insertLegacyStdio(odock, org.orgId, 'legacy', marker);
    const view = await org.admin.ok('GET', `${org.base}/mcp-servers/${id}`);
    assert.equal(view.stdioCommand, null);
    const k = await org.key([id]);
    const r = await rawPost(odock, 'legacy', k.secret, INIT);
    assert.equal(r.status, 502);
    assert.equal(r.json.error.code, 'mcp_upstream_error');
    assert.match(r.json.error.message, /allowlist/);
    assert.equal(mcpGatewayOf(odock.deps)!.bridges.stdioPid(id), undefined);
    assert.equal(existsSync(marker), false, 'the stored command did not run');

    // It can still be renamed or disabled, and an admin can point it at an allowlisted name.
    assert.equal((await org.admin.patch(`${org.base}/mcp-servers/${id}`, { name: 'Legacy (old)' })).status, 200);
    assert.equal((await org.admin.patch(`${org.base}/mcp-servers/${id}`, { stdioCommand: 'everything' })).status, 200);
    const { client } = await connectClient(odock, 'legacy', k.secret);
    try {
      assert.equal(client.getServerVersion()?.name, 'mcp-servers/everything');
    } finally {
      await client.close();
    }
    assert.equal(existsSync(marker), false);
  });

  test('GET /api/mcp/stdio-commands answers the names, never the commands', async () => {
    const member = await org.asRole('member');
    for (const c of [org.admin, manager, member]) {
      const r = await c.get('/api/mcp/stdio-commands');
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { configured: true, items: [{ name: 'everything' }, { name: 'everything-edited' }, { name: 'missing' }, { name: 'quits' }] });
    }
    const text = JSON.stringify((await org.admin.get('/api/mcp/stdio-commands')).body);
    for (const secret of [process.execPath, EVERYTHING_ENTRY, 'TOOL_SETTING', 'nonexistent']) assert.ok(!text.includes(secret));
    assert.equal((await fetch(`${odock.url}/api/mcp/stdio-commands`)).status, 401);
  });
});

describe('without ODOCK_MCP_STDIO_ALLOWLIST, STDIO is refused', () => {
  let odock: TestOdock;
  let org: McpAdmin;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'odock-marker-'));
    odock = await startOdock();
    org = await McpAdmin.forDefaultOrg(odock);
  });
  after(async () => {
    await odock?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('creating or switching to a STDIO server → 400 with a clear message; stored rows never start', async () => {
    const r = await org.admin.post(`${org.base}/mcp-servers`, { name: 'Local', slug: 'local', transport: 'STDIO', stdioCommand: 'everything' });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.field, 'transport');
    assert.match(r.body.error.message, /ODOCK_MCP_STDIO_ALLOWLIST/);
    const http = await org.server({ slug: 'http', transport: 'STREAMABLE_HTTP', endpointUrl: 'http://127.0.0.1:9/mcp' });
    const p = await org.admin.patch(`${org.base}/mcp-servers/${http.id}`, { transport: 'STDIO', stdioCommand: 'everything' });
    assert.equal(p.status, 400);
    assert.deepEqual((await org.admin.ok('GET', '/api/mcp/stdio-commands')), { configured: false, items: [] });

    const marker = join(dir, 'legacy-ran');
    const id = await insertLegacyStdio(odock, org.orgId, 'legacy', marker);
    const k = await org.key([id]);
    const init = await rawPost(odock, 'legacy', k.secret, INIT);
    assert.equal(init.status, 502);
    assert.match(init.json.error.message, /ODOCK_MCP_STDIO_ALLOWLIST/);
    assert.equal(existsSync(marker), false);
  });
});

describe('the allowlist file is checked at start', () => {
  test('a missing or malformed file is a start-up error naming ODOCK_MCP_STDIO_ALLOWLIST', () => {
    const dir = mkdtempSync(join(tmpdir(), 'odock-allowlist-bad-'));
    try {
      const bad: Record<string, string> = {
        'missing.json': '',
        'not-json.json': '{"everything": ',
        'no-command.json': JSON.stringify({ everything: { args: [] } }),
        'extra-field.json': JSON.stringify({ everything: { command: 'node', cwd: '/' } }),
        'bad-name.json': JSON.stringify({ 'Bad Name': { command: 'node' } }),
        'not-an-object.json': JSON.stringify(['node']),
      };
      for (const [file, content] of Object.entries(bad)) {
        const path = join(dir, file);
        if (content) writeFileSync(path, content);
        const config = loadConfig({ ODOCK_MCP_STDIO_ALLOWLIST: path, ODOCK_DATA_DIR: dir });
        assert.throws(() => stdioAllowlistOf(config), (e: Error) => e.message.includes('ODOCK_MCP_STDIO_ALLOWLIST') && e.message.includes(path), file);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the gateway process exits at start with that message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'odock-boot-'));
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: process.cwd(), encoding: 'utf8', timeout: 120_000,
        env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ODOCK_DATA_DIR: dir, LOG_LEVEL: 'silent', ODOCK_MCP_STDIO_ALLOWLIST: join(dir, 'nope.json') },
      });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /ODOCK_MCP_STDIO_ALLOWLIST: cannot read/);
      assert.ok(!/\n\s+at /.test(r.stderr), 'a message, not a stack trace');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
