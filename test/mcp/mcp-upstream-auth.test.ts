import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { startRecordingMcpServer, type RecordingMcpServer } from './fixtures/recording-mcp-server.ts';
import { startTokenEndpoint, type TokenEndpoint } from './fixtures/token-endpoint.ts';
import { connectClient, McpAdmin, rawPost, INIT } from './mcp-setup.ts';

// Sent by the client on purpose: none of it may reach an upstream.
const CLIENT_EXTRAS = { cookie: 'odock_session=client-cookie-value', 'x-forwarded-for': '203.0.113.9', 'x-custom-client': 'client-only', 'proxy-authorization': 'Basic Y2xpZW50' };

/** Asserts what an upstream saw: its own credentials, and nothing of the client's. */
function assertOnlyServerCredentials(seen: IncomingHttpHeaders[], secret: string, authorization: string | ((a: string) => boolean)) {
  assert.ok(seen.length > 0, 'the upstream was called');
  for (const h of seen) {
    const flat = JSON.stringify(h);
    assert.ok(!flat.includes(secret), 'the virtual key never reaches the upstream');
    assert.ok(!flat.includes('client-cookie-value') && !flat.includes('client-only') && !flat.includes('203.0.113.9') && !flat.includes('Y2xpZW50'), `client headers stay behind: ${flat}`);
    assert.equal(h['x-api-key'], undefined);
    const a = String(h.authorization);
    if (typeof authorization === 'string') assert.equal(a, authorization);
    else assert.ok(authorization(a), a);
  }
}

describe('MCP upstream auth: the server\'s own credentials, never the client\'s', () => {
  let odock: TestOdock;
  let org: McpAdmin;
  const upstreams: RecordingMcpServer[] = [];
  let tokens: TokenEndpoint;

  before(async () => {
    odock = await startOdock();
    org = await McpAdmin.forDefaultOrg(odock);
    tokens = await startTokenEndpoint({ id: 'odock-client', secret: 'client-secret-7f3' });
  });
  after(async () => {
    await odock?.close();
    for (const u of upstreams) await u.close();
    await tokens?.close();
  });

  const upstreamWith = async (auth: Parameters<typeof startRecordingMcpServer>[0]) => {
    const u = await startRecordingMcpServer(auth);
    upstreams.push(u);
    return u;
  };

  test('NONE: no Authorization at all', async () => {
    const u = await upstreamWith({ auth: { type: 'none' } });
    const s = await org.server({ slug: 'plain', transport: 'STREAMABLE_HTTP', endpointUrl: u.url });
    const { secret } = await org.key([s.id]);
    // The key in X-API-Key this time: it must not travel either.
    const { client } = await connectClient(odock, 'plain', secret, CLIENT_EXTRAS);
    await client.callTool({ name: 'echo', arguments: { text: 'x' } });
    await client.close();
    await rawPost(odock, 'plain', undefined, INIT, { 'x-api-key': secret });
    assertOnlyServerCredentials(u.seen, secret, (a) => a === 'undefined');
  });

  test('BEARER: the stored token', async () => {
    const u = await upstreamWith({ auth: { type: 'bearer', token: 'upstream-bearer-91' } });
    const s = await org.server({ slug: 'bearer', transport: 'STREAMABLE_HTTP', endpointUrl: u.url, authType: 'BEARER', authSecret: 'upstream-bearer-91' });
    const { secret } = await org.key([s.id]);
    const { client } = await connectClient(odock, 'bearer', secret, CLIENT_EXTRAS);
    assert.deepEqual((await client.callTool({ name: 'echo', arguments: { text: 'b' } })).content, [{ type: 'text', text: 'echo:b' }]);
    await client.close();
    assertOnlyServerCredentials(u.seen, secret, 'Bearer upstream-bearer-91');
  });

  test('BASIC: the stored username and password', async () => {
    const u = await upstreamWith({ auth: { type: 'basic', user: 'svc', password: 'pa:ss-é' } });
    const s = await org.server({ slug: 'basic', transport: 'STREAMABLE_HTTP', endpointUrl: u.url, authType: 'BASIC', authConfig: { username: 'svc' }, authSecret: 'pa:ss-é' });
    const { secret } = await org.key([s.id]);
    const { client } = await connectClient(odock, 'basic', secret, CLIENT_EXTRAS);
    await client.listTools();
    await client.close();
    assertOnlyServerCredentials(u.seen, secret, `Basic ${Buffer.from('svc:pa:ss-é').toString('base64')}`);
  });

  test('OAUTH2 client credentials: one token for many calls, a new one when the upstream refuses it', async () => {
    const u = await upstreamWith({ auth: { type: 'oauth', validTokens: tokens.valid } });
    const s = await org.server({
      slug: 'oauth', transport: 'STREAMABLE_HTTP', endpointUrl: u.url, authType: 'OAUTH2',
      authConfig: { tokenUrl: tokens.url, clientId: 'odock-client', scope: 'tools:read tools:call', audience: 'https://mcp.example' }, authSecret: 'client-secret-7f3',
    });
    const { secret } = await org.key([s.id]);
    const { client } = await connectClient(odock, 'oauth', secret, CLIENT_EXTRAS);
    for (let i = 0; i < 3; i++) await client.callTool({ name: 'echo', arguments: { text: String(i) } });
    assert.equal(tokens.requests.length, 1, 'the token is cached');
    const form = tokens.requests[0].form;
    assert.equal(form.get('grant_type'), 'client_credentials');
    assert.equal(form.get('scope'), 'tools:read tools:call');
    assert.equal(form.get('audience'), 'https://mcp.example');
    assert.ok(!form.has('client_secret'), 'the secret travels in HTTP Basic, not in the form');
    const first = [...tokens.valid][0];

    // The authorization server revokes it: the next call gets a 401 upstream, fetches a new token, succeeds.
    tokens.valid.clear();
    assert.deepEqual((await client.callTool({ name: 'echo', arguments: { text: 'again' } })).content, [{ type: 'text', text: 'echo:again' }]);
    assert.equal(tokens.requests.length, 2);
    await client.close();
    assertOnlyServerCredentials(u.seen, secret, (a) => a.startsWith('Bearer access-'));
    assert.ok(u.seen.some((h) => h.authorization === `Bearer ${first}`));
  });

  test('wrong upstream credentials → 502 mcp_auth_error, and the upstream\'s challenge is not passed on', async () => {
    const u = await upstreamWith({ auth: { type: 'bearer', token: 'right' } });
    const s = await org.server({ slug: 'wrong', transport: 'STREAMABLE_HTTP', endpointUrl: u.url, authType: 'BEARER', authSecret: 'wrong' });
    const { secret } = await org.key([s.id]);
    const r = await rawPost(odock, 'wrong', secret, INIT);
    assert.equal(r.status, 502);
    assert.equal(r.json.error.code, 'mcp_auth_error');
    assert.equal(r.headers.get('www-authenticate'), null);
    await assert.rejects(connectClient(odock, 'wrong', secret), (e) => e instanceof StreamableHTTPError && e.code === 502);

    const bad = await org.server({
      slug: 'badtoken', transport: 'STREAMABLE_HTTP', endpointUrl: u.url, authType: 'OAUTH2',
      authConfig: { tokenUrl: tokens.url, clientId: 'odock-client' }, authSecret: 'not-the-secret',
    });
    const k2 = await org.key([bad.id]);
    const r2 = await rawPost(odock, 'badtoken', k2.secret, INIT);
    assert.equal(r2.status, 502);
    assert.equal(r2.json.error.code, 'mcp_auth_error');
    assert.ok(!r2.text.includes('not-the-secret') && !r2.text.includes(tokens.url));
  });
});
