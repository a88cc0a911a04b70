import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './env.ts';

function rejects(env: Record<string, string>, variable: string) {
  assert.throws(() => loadConfig(env), (e: unknown) => {
    assert.ok(e instanceof ConfigError, 'a ConfigError');
    assert.ok((e as Error).message.includes(variable), `the message names ${variable}: ${(e as Error).message}`);
    return true;
  });
}

const OIDC = { OIDC_ISSUER: 'https://id.corp.example/', OIDC_CLIENT_ID: 'odock', OIDC_CLIENT_SECRET: 's3cret' };

test('company sign-in and tracing are off by default; password login on', () => {
  const c = loadConfig({});
  assert.equal(c.sso.oidc, undefined);
  assert.equal(c.sso.github, undefined);
  assert.equal(c.sso.passwordLogin, true);
  assert.equal(c.sso.defaultRole, 'member');
  assert.equal(c.otel, undefined);
});

test('OIDC settings are grouped, the issuer as given (a trailing slash is part of it), the group mapping parsed', () => {
  const c = loadConfig({ ...OIDC, OIDC_GROUP_MAPPING: '{"ops":{"role":"admin","teams":["SRE"]}}', SSO_ORGANISATION: 'Default', SSO_DEFAULT_ROLE: 'manager' });
  assert.equal(c.sso.oidc?.issuer, 'https://id.corp.example/');
  assert.equal(c.sso.oidc?.scopes, 'openid email profile');
  assert.deepEqual(c.sso.oidc?.groupMapping, { ops: { role: 'admin', teams: ['SRE'] } });
  assert.equal(c.sso.organisation, 'Default');
  assert.equal(c.sso.defaultRole, 'manager');
});

test('bad or incomplete sign-in settings stop the start with the variable named', () => {
  rejects({ OIDC_ISSUER: 'https://id.corp.example' }, 'OIDC_ISSUER');
  rejects({ ...OIDC, OIDC_ISSUER: 'not a url' }, 'OIDC_ISSUER');
  rejects({ ...OIDC, OIDC_SCOPES: 'email profile' }, 'OIDC_SCOPES');
  rejects({ ...OIDC, OIDC_GROUP_MAPPING: '{not json' }, 'OIDC_GROUP_MAPPING');
  rejects({ ...OIDC, OIDC_GROUP_MAPPING: '{"ops":{"role":"owner"}}' }, 'OIDC_GROUP_MAPPING');
  rejects({ ...OIDC, OIDC_GROUP_MAPPING: '{"ops":{"rol":"admin"}}' }, 'OIDC_GROUP_MAPPING');
  rejects({ GITHUB_CLIENT_ID: 'x' }, 'GITHUB_CLIENT_ID');
  rejects({ GITHUB_CLIENT_ID: 'x', GITHUB_CLIENT_SECRET: 'y', GITHUB_ALLOWED_ORG: 'a/b' }, 'GITHUB_ALLOWED_ORG');
  rejects({ SSO_DEFAULT_ROLE: 'owner' }, 'SSO_DEFAULT_ROLE');
  rejects({ ODOCK_PUBLIC_URL: 'ftp://x' }, 'ODOCK_PUBLIC_URL');
  // Switching password login off with no other way in would lock everyone out.
  rejects({ ODOCK_PASSWORD_LOGIN: 'false' }, 'ODOCK_PASSWORD_LOGIN');
  rejects({ ODOCK_PASSWORD_LOGIN: 'maybe' }, 'ODOCK_PASSWORD_LOGIN');
  assert.equal(loadConfig({ ...OIDC, ODOCK_PASSWORD_LOGIN: 'false' }).sso.passwordLogin, false);
});

test('GitHub URLs default to github.com and can point elsewhere (GitHub Enterprise, tests)', () => {
  const c = loadConfig({ GITHUB_CLIENT_ID: 'x', GITHUB_CLIENT_SECRET: 'y' });
  assert.equal(c.sso.github?.oauthUrl, 'https://github.com');
  assert.equal(c.sso.github?.apiUrl, 'https://api.github.com');
  assert.equal(loadConfig({ GITHUB_CLIENT_ID: 'x', GITHUB_CLIENT_SECRET: 'y', GITHUB_API_URL: 'https://ghe.corp/api/v3/' }).sso.github?.apiUrl, 'https://ghe.corp/api/v3');
});

test('OTLP: the standard variables; /v1/traces appended to the base endpoint, the traces endpoint used as-is', () => {
  const c = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/', OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc, x-tenant=t1', OTEL_SERVICE_NAME: 'gw' });
  assert.deepEqual(c.otel, { tracesEndpoint: 'http://collector:4318/v1/traces', headers: { authorization: 'Bearer abc', 'x-tenant': 't1' }, serviceName: 'gw' });
  assert.equal(loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom' }).otel?.tracesEndpoint, 'http://c:4318/custom');
  assert.equal(loadConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'a=b' }).otel, undefined, 'headers alone turn nothing on');
  rejects({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  rejects({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: 'no-equals-sign' }, 'OTEL_EXPORTER_OTLP_HEADERS');
});
