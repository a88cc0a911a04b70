import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { startOdock, waitFor, type TestOdock } from '../helpers/odock.ts';
import { mcpGatewayOf } from '../../src/mcp/mcp.plugin.ts';
import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { everythingStdio } from './fixtures/everything-server.ts';
import { writeAllowlist, type AllowlistFile } from './fixtures/stdio-allowlist.ts';
import { connectClient, McpAdmin, rawPost, INIT } from './mcp-setup.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const text = (r: unknown) => (r as { content: { text: string }[] }).content[0].text;

/** Real and effective uid of a process, from /proc/<pid>/status ("Uid: real effective saved fs"). */
const uidsOf = (pid: number) => readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Uid:\s+(\d+)\s+(\d+)/m)!.slice(1, 3).map(Number);
const cwdOf = (pid: number) => readlinkSync(`/proc/${pid}/cwd`);

describe('STDIO servers: one child per server, restarted on crash and on change, stopped on shutdown', () => {
  let odock: TestOdock;
  let org: McpAdmin;
  let serverId: string;
  let secret: string;
  let closed = false;
  let allowlist: AllowlistFile;
  // Present in the gateway's own environment: a tool must never see it.
  process.env.ODOCK_TEST_CANARY = 'gateway-env-must-not-leak';

  before(async () => {
    allowlist = writeAllowlist();
    odock = await startOdock({ env: allowlist.env });
    org = await McpAdmin.forDefaultOrg(odock);
    serverId = (await org.server({ slug: 'stdio', ...everythingStdio() })).id;
    ({ secret } = await org.key([serverId]));
  });
  after(async () => {
    if (!closed) await odock?.close();
    delete process.env.ODOCK_TEST_CANARY;
    allowlist?.remove();
  });

  const pid = () => mcpGatewayOf(odock.deps)!.bridges.stdioPid(serverId);

  test('sessions share one child; it sees its allowlist entry\'s env and none of the gateway\'s', async () => {
    const a = await connectClient(odock, 'stdio', secret);
    const b = await connectClient(odock, 'stdio', secret);
    try {
      const first = pid();
      assert.ok(first && alive(first));
      await b.client.listTools();
      assert.equal(pid(), first, 'the second session uses the same child');
      const env = JSON.parse(text(await a.client.callTool({ name: 'get-env', arguments: {} })));
      assert.equal(env.TOOL_SETTING, 'from-allowlist');
      assert.equal(env.ODOCK_TEST_CANARY, undefined);
      for (const v of Object.values(env)) assert.ok(!String(v).includes('gateway-env-must-not-leak'));
    } finally {
      await a.client.close();
      await b.client.close();
    }
  });

  test('as root, the child runs as the unprivileged ODOCK_MCP_STDIO_USER in its own empty directory', async (t) => {
    if (process.getuid?.() !== 0) return t.skip('the gateway can only switch user when it runs as root');
    const { client } = await connectClient(odock, 'stdio', secret);
    try {
      const child = pid()!;
      const [real, effective] = uidsOf(child);
      assert.notEqual(real, 0, 'real uid');
      assert.notEqual(effective, 0, 'effective uid');
      const nobody = readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':')).find((f) => f[0] === 'nobody')!;
      assert.equal(effective, Number(nobody[2]), 'runs as nobody (the default ODOCK_MCP_STDIO_USER)');
      const env = JSON.parse(text(await client.callTool({ name: 'get-env', arguments: {} })));
      assert.equal(env.USER, 'nobody');
      const cwd = cwdOf(child);
      assert.ok(cwd.includes('odock-mcp-'), `a fresh working directory: ${cwd}`);
      assert.equal(statSync(cwd).uid, effective, 'owned by the child\'s user');
      assert.equal(env.HOME, cwd, 'HOME is that directory, not the gateway\'s');
    } finally {
      await client.close();
    }
  });

  test('a crashed child is restarted and the session carries on', async () => {
    const { client } = await connectClient(odock, 'stdio', secret);
    try {
      const first = pid()!;
      process.kill(first, 'SIGKILL');
      await waitFor(() => !alive(first), 5000);
      await waitFor(() => pid() !== undefined && pid() !== first, 10_000);
      assert.equal(text(await client.callTool({ name: 'echo', arguments: { message: 'after crash' } })), 'Echo: after crash');
    } finally {
      await client.close();
    }
  });

  test('a request in flight when the child dies gets a JSON-RPC error, not silence', async () => {
    const { client } = await connectClient(odock, 'stdio', secret);
    try {
      const call = client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 5, steps: 5 } });
      await new Promise((r) => setTimeout(r, 300));
      process.kill(pid()!, 'SIGKILL');
      await assert.rejects(call, (e) => e instanceof McpError && (e.data as { code?: string })?.code === 'mcp_upstream_error');
    } finally {
      await client.close();
    }
  });

  test('editing the server (another allowlist entry) restarts its child with the new settings', async () => {
    const { client } = await connectClient(odock, 'stdio', secret);
    try {
      const before = pid()!;
      await org.patchServer(serverId, { stdioCommand: 'everything-edited' });
      await waitFor(() => pid() !== undefined && pid() !== before, 10_000);
      assert.ok(!alive(before) || (await waitFor(() => !alive(before), 5000).then(() => true)));
      const env = JSON.parse(text(await client.callTool({ name: 'get-env', arguments: {} })));
      assert.equal(env.TOOL_SETTING, 'edited');
    } finally {
      await client.close();
    }
  });

  test('a bridged session id is bound to its key, and DELETE ends it', async () => {
    const init = await rawPost(odock, 'stdio', secret, INIT);
    assert.equal(init.status, 200);
    assert.equal(init.json.result.serverInfo.name, 'mcp-servers/everything');
    const sid = init.headers.get('mcp-session-id')!;
    const h = { 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' };
    const ping = { jsonrpc: '2.0', id: 7, method: 'ping' };
    assert.equal((await rawPost(odock, 'stdio', secret, ping, h)).json.id, 7);
    const other = await org.key([serverId]);
    assert.equal((await rawPost(odock, 'stdio', other.secret, ping, h)).status, 404);
    assert.equal((await rawPost(odock, 'stdio', secret, ping)).status, 400, 'a request without a session id');
    const del = await fetch(`${odock.url}/v1/mcp/stdio`, { method: 'DELETE', headers: { authorization: `Bearer ${secret}`, ...h } });
    assert.equal(del.status, 200);
    assert.equal((await rawPost(odock, 'stdio', secret, ping, h)).status, 404);
  });

  test('disabling the server stops its child and ends its sessions', async () => {
    const { client } = await connectClient(odock, 'stdio', secret);
    const running = pid()!;
    await org.patchServer(serverId, { enabled: false });
    await waitFor(() => pid() === undefined && !alive(running), 10_000);
    await assert.rejects(client.listTools());
    await client.close().catch(() => {});
    await org.patchServer(serverId, { enabled: true });
  });

  test('an allowlisted command that is missing or exits at once → 502 mcp_upstream_error', async () => {
    const missing = await org.server({ slug: 'missing', transport: 'STDIO', stdioCommand: 'missing' });
    const quits = await org.server({ slug: 'quits', transport: 'STDIO', stdioCommand: 'quits' });
    const k = await org.key([missing.id, quits.id]);
    for (const slug of ['missing', 'quits']) {
      const r = await rawPost(odock, slug, k.secret, INIT);
      assert.equal(r.status, 502, slug);
      assert.equal(r.json.error.code, 'mcp_upstream_error');
      assert.ok(!r.text.includes('nonexistent'), 'the command is not in the error');
    }
  });

  test('shutting Odock down stops the child', async () => {
    const { client } = await connectClient(odock, 'stdio', secret);
    await client.listTools();
    const running = pid()!;
    await client.close();
    await odock.close();
    closed = true;
    assert.equal(alive(running), false);
  });
});
