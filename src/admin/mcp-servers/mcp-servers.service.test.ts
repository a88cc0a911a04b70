import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openTempStore, type TempStore } from '../../store/testing/temp-store.ts';
import { mcpServerRepo } from '../../store/repos/mcp-server.repo.ts';
import type { StdioAllowlist } from '../../mcp/stdio-allowlist.ts';
import { recordInvalidations, refusal, testVault } from '../shared/service-testing.ts';
import { createMcpServerService } from './mcp-servers.service.ts';

const http = { name: 'Docs', slug: 'docs', transport: 'STREAMABLE_HTTP', endpointUrl: 'https://mcp.example/mcp' } as const;

describe('MCP server service', () => {
  let t: TempStore;
  const vault = testVault();
  const rec = recordInvalidations();
  const service = (stdio: StdioAllowlist) => createMcpServerService({
    servers: mcpServerRepo(t.store.db), vault, invalidate: rec.invalidate, stdio, allowPrivateUpstreams: false,
  });
  const noStdio: StdioAllowlist = { configured: false, entries: new Map(), runAs: undefined };
  const withStdio: StdioAllowlist = { configured: true, entries: new Map([['fs', { command: '/usr/bin/true', args: [], env: {} }]]), runAs: undefined };
  before(async () => {
    t = await openTempStore();
  });
  after(() => t.close());

  it('no organisation role supplies a command: only a name from the deployment allowlist', async () => {
    const orgId = await t.seedOrganisation();
    const r = await refusal(() => service(withStdio).create(orgId, 'admin', { name: 'x', slug: 'x', transport: 'STDIO', command: '/bin/sh' }));
    assert.deepEqual([r.code, r.field], ['invalid_request', 'command']);
    const off = await refusal(() => service(noStdio).create(orgId, 'admin', { name: 'x', slug: 'x', transport: 'STDIO', stdioCommand: 'fs' }));
    assert.deepEqual([off.code, off.field], ['invalid_request', 'transport']);
    const unknown = await refusal(() => service(withStdio).create(orgId, 'admin', { name: 'x', slug: 'x', transport: 'STDIO', stdioCommand: 'other' }));
    assert.deepEqual([unknown.code, unknown.field], ['invalid_request', 'stdioCommand']);
    const s = await service(withStdio).create(orgId, 'admin', { name: 'x', slug: 'x', transport: 'STDIO', stdioCommand: 'fs' });
    assert.equal(s.command, 'allowlist:fs');
  });

  it("only an admin changes where a server's credentials are sent", async () => {
    const orgId = await t.seedOrganisation();
    const svc = service(noStdio);
    const s = await svc.create(orgId, 'admin', { ...http, authType: 'BEARER', authSecret: 'token-123' });
    const r = await refusal(() => svc.update(orgId, 'manager', s.id, { endpointUrl: 'https://attacker.example/mcp' }));
    assert.deepEqual([r.code, r.field], ['forbidden', 'endpointUrl']);
    // A form sending everything back unchanged is fine.
    assert.equal((await svc.update(orgId, 'manager', s.id, { endpointUrl: http.endpointUrl, name: 'Renamed' })).name, 'Renamed');
  });

  it('auth secrets are stored encrypted and required by the auth type; endpoints pass the SSRF guard', async () => {
    const orgId = await t.seedOrganisation();
    const svc = service(noStdio);
    const missing = await refusal(() => svc.create(orgId, 'admin', { ...http, authType: 'BEARER' }));
    assert.deepEqual([missing.code, missing.field], ['invalid_request', 'authSecret']);
    const ssrf = await refusal(() => svc.create(orgId, 'admin', { ...http, endpointUrl: 'http://127.0.0.1:9/mcp' }));
    assert.deepEqual([ssrf.code, ssrf.field], ['invalid_request', 'endpointUrl']);
    const s = await svc.create(orgId, 'admin', { ...http, authType: 'BEARER', authSecret: 'token-123' });
    assert.ok(s.auth_ciphertext && !s.auth_ciphertext.includes('token-123'));
    assert.equal(vault.decrypt(s.auth_ciphertext, { organisationId: orgId, recordId: s.id, purpose: 'mcp_auth' }), 'token-123');
    const none = await svc.update(orgId, 'admin', s.id, { authType: 'NONE' });
    assert.equal(none.auth_ciphertext, null, 'switching auth off erases the secret');
    assert.equal((await refusal(() => svc.create(orgId, 'admin', http))).code, 'conflict');
  });
});
