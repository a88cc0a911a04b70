import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOdock, TEST_MASTER_KEY, type TestOdock } from '../../test/helpers/odock.ts';
import { AdminClient } from '../../test/helpers/admin-client.ts';
import { DIALECTS, needPostgres } from '../../test/helpers/services.ts';
import { MasterKeyError } from '../crypto/master-key.ts';
import { loadConfig } from '../config/env.ts';
import { rewrapSecrets } from './rewrap-secrets.ts';
import { generateMasterKeyText, parseMasterKey } from '../crypto/envelope.ts';
import { hashKey } from '../auth/key-format.ts';
import { webhookSecretContext } from '../budgets/webhook-dispatcher.ts';

/** Runs `npm run rewrap-secrets` as an operator would, against an instance's storage. */
function rewrapCli(odock: TestOdock, env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/rewrap.ts'], {
    env: { PATH: process.env.PATH, ...odock.env, ...env }, encoding: 'utf8', timeout: 90_000,
  });
}

interface Stored {
  orgId: string;
  providerSecret: string;
  mcpSecret: string;
  mcpEnv: Record<string, string>;
  unrevealedKeyId: string;
  webhookSecret: string;
}

async function storeSecrets(odock: TestOdock): Promise<Stored> {
  const admin = await AdminClient.login(odock.url);
  const orgId = await admin.defaultOrgId();
  const base = `/api/organisations/${orgId}`;
  const provider = await admin.ok('POST', `${base}/providers`, { type: 'OPENAI' });
  const providerSecret = `sk-rewrap-${crypto.randomUUID()}`;
  await admin.ok('POST', `${base}/providers/${provider.id}/keys`, { name: 'Primary', key: providerSecret });
  const mcpSecret = `bearer-${crypto.randomUUID()}`;
  await admin.ok('POST', `${base}/mcp-servers`, { name: 'Remote', slug: 'remote', transport: 'STREAMABLE_HTTP', endpointUrl: 'http://127.0.0.1:9/mcp', authType: 'BEARER', authSecret: mcpSecret });
  // STDIO environments now come from the deployment's allowlist only; an environment stored by an
  // earlier version is still a secret at rest and must be re-wrapped with the rest.
  const mcpEnv = { TOKEN: `env-${crypto.randomUUID()}` };
  const local = await admin.ok('POST', `${base}/mcp-servers`, { name: 'Local', slug: 'local', transport: 'STREAMABLE_HTTP', endpointUrl: 'http://127.0.0.1:9/mcp' });
  const envCiphertext = odock.deps.vault.encrypt(JSON.stringify(mcpEnv), { organisationId: orgId, recordId: local.id, purpose: 'mcp_env' });
  await odock.deps.store.db.updateTable('mcp_servers').set({ env_ciphertext: envCiphertext }).where('id', '=', local.id).execute();
  const unrevealed = await admin.ok('POST', `${base}/api-keys`, { type: 'ORGANISATION', name: 'not yet revealed' });
  const webhookSecret = `whsec-rewrap-${crypto.randomUUID()}`;
  await admin.ok('POST', `${base}/webhooks`, { url: 'https://hooks.example.test/odock', secret: webhookSecret });
  return { orgId, providerSecret, mcpSecret, mcpEnv, unrevealedKeyId: unrevealed.id, webhookSecret };
}

/** Every secret decrypts on an instance started with the new key, bound to its own record. */
async function assertAllReadable(odock: TestOdock, s: Stored) {
  const { db } = odock.deps.store;
  const { vault } = odock.deps;
  const pk = await db.selectFrom('provider_keys').selectAll().executeTakeFirstOrThrow();
  assert.equal(vault.decrypt(pk.ciphertext, { organisationId: pk.organisation_id, recordId: pk.id, purpose: 'provider_key' }), s.providerSecret);
  const remote = await db.selectFrom('mcp_servers').selectAll().where('slug', '=', 'remote').executeTakeFirstOrThrow();
  assert.equal(vault.decrypt(remote.auth_ciphertext!, { organisationId: s.orgId, recordId: remote.id, purpose: 'mcp_auth' }), s.mcpSecret);
  const local = await db.selectFrom('mcp_servers').selectAll().where('slug', '=', 'local').executeTakeFirstOrThrow();
  assert.deepEqual(JSON.parse(vault.decrypt(local.env_ciphertext!, { organisationId: s.orgId, recordId: local.id, purpose: 'mcp_env' })), s.mcpEnv);
  const hook = await db.selectFrom('webhooks').selectAll().executeTakeFirstOrThrow();
  assert.equal(vault.decrypt(hook.secret_ciphertext, webhookSecretContext(s.orgId, hook.id)), s.webhookSecret);
  // The key that was never revealed can still be revealed once, and it is the stored hash's key.
  const admin = await AdminClient.login(odock.url);
  const revealed = await admin.ok('POST', `/api/organisations/${s.orgId}/api-keys/${s.unrevealedKeyId}/reveal`);
  const row = await db.selectFrom('api_keys').select('key_hash').where('id', '=', s.unrevealedKeyId).executeTakeFirstOrThrow();
  assert.equal(hashKey(revealed.key), row.key_hash);
}

/** No stored secret is left under the old key id. */
async function assertNoneUnder(odock: TestOdock, keyId: string) {
  const { db } = odock.deps.store;
  const values = [
    ...(await db.selectFrom('provider_keys').select('ciphertext as v').execute()),
    ...(await db.selectFrom('mcp_servers').select('auth_ciphertext as v').execute()),
    ...(await db.selectFrom('mcp_servers').select('env_ciphertext as v').execute()),
    ...(await db.selectFrom('api_keys').select('pending_secret as v').execute()),
    ...(await db.selectFrom('odock_meta').select('value as v').execute()),
  ].map((r) => r.v).filter((v): v is string => !!v);
  assert.ok(values.length >= 5);
  assert.deepEqual(values.filter((v) => v.startsWith(`v1.${keyId}.`)), []);
}

const wrongKey = (e: unknown) => e instanceof MasterKeyError && /does not match this database/.test((e as Error).message);

for (const dialect of DIALECTS) {
  test(`rewrap-secrets with ODOCK_MASTER_KEY and ODOCK_NEW_MASTER_KEY (${dialect})`, async (t) => {
    if (dialect === 'postgres') {
      const reason = await needPostgres();
      if (reason) return t.skip(reason);
    }
    const first = await startOdock({ dialect });
    t.after(() => first.close());
    const stored = await storeSecrets(first);
    const oldId = parseMasterKey(TEST_MASTER_KEY).id;
    const newKey = generateMasterKeyText();

    // Refusals first (in-process: the command's own logic): they must change nothing.
    const refuse = (env: Record<string, string>, message: RegExp) =>
      assert.rejects(rewrapSecrets(loadConfig({ ...first.env, ...env })), (e: unknown) => e instanceof MasterKeyError && message.test((e as Error).message));
    await refuse({ ODOCK_MASTER_KEY: 'c'.repeat(64), ODOCK_NEW_MASTER_KEY: newKey }, /does not match this database/);
    await refuse({}, /ODOCK_NEW_MASTER_KEY/);
    await refuse({ ODOCK_NEW_MASTER_KEY: TEST_MASTER_KEY }, /nothing to do/);
    await refuse({ ODOCK_NEW_MASTER_KEY: 'too-short' }, /ODOCK_NEW_MASTER_KEY/);
    assert.equal((await first.deps.store.db.selectFrom('odock_meta').select('value').executeTakeFirstOrThrow()).value.split('.')[1], oldId);

    const run = rewrapCli(first, { ODOCK_NEW_MASTER_KEY: newKey });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Re-wrapped 6 stored secrets/);
    assert.match(run.stdout, /provider keys 1, MCP auth 1, MCP env 1, unrevealed API keys 1, webhook secrets 1, canary 1/);
    assert.ok(!run.stdout.includes(newKey) && !run.stderr.includes(newKey), 'the key is not printed');

    await assertNoneUnder(first, oldId);
    await assert.rejects(startOdock({ dialect, shareWith: first }), wrongKey, 'the old key refuses to start');
    const next = await startOdock({ dialect, shareWith: first, env: { ODOCK_MASTER_KEY: newKey } });
    t.after(() => next.close());
    await assertAllReadable(next, stored);
  });
}

test('rewrap-secrets in embedded mode replaces the data-directory key file', async (t) => {
  // No ODOCK_MASTER_KEY: the key is generated into the data directory on first start.
  const first = await startOdock({ dialect: 'sqlite', env: { ODOCK_MASTER_KEY: '' } });
  t.after(() => first.close());
  const stored = await storeSecrets(first);
  const keyFile = join(first.env.ODOCK_DATA_DIR, 'master.key');
  const oldText = readFileSync(keyFile, 'utf8').trim();

  // A damaged secret stops the run before anything is written: no secret is carried over unreadable.
  const { db } = first.deps.store;
  const pk = await db.selectFrom('provider_keys').select(['id', 'ciphertext']).executeTakeFirstOrThrow();
  const parts = pk.ciphertext.split('.');
  const body = Buffer.from(parts[3], 'base64url');
  body[body.length - 1] ^= 1;
  await db.updateTable('provider_keys').set({ ciphertext: [...parts.slice(0, 3), body.toString('base64url')].join('.') }).where('id', '=', pk.id).execute();
  await assert.rejects(rewrapSecrets(loadConfig(first.env)), (e: unknown) => e instanceof MasterKeyError && (e as Error).message.includes(`provider key ${pk.id}`));
  assert.equal(readFileSync(keyFile, 'utf8').trim(), oldText);
  assert.ok(!existsSync(`${keyFile}.new`));
  assert.equal((await db.selectFrom('odock_meta').select('value').executeTakeFirstOrThrow()).value.split('.')[1], parseMasterKey(oldText).id);
  await db.updateTable('provider_keys').set({ ciphertext: pk.ciphertext }).where('id', '=', pk.id).execute();

  const run = rewrapCli(first, {});
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /Re-wrapped 6 stored secrets/);
  assert.ok(run.stdout.includes(keyFile));
  const newText = readFileSync(keyFile, 'utf8').trim();
  assert.notEqual(newText, oldText);

  await assertNoneUnder(first, parseMasterKey(oldText).id);
  const sameDir = { ODOCK_DATA_DIR: first.env.ODOCK_DATA_DIR, ODOCK_MASTER_KEY: '' };
  await assert.rejects(startOdock({ dialect: 'sqlite', shareWith: first, env: { ...sameDir, ODOCK_MASTER_KEY: oldText } }), wrongKey);
  const next = await startOdock({ dialect: 'sqlite', shareWith: first, env: sameDir });
  t.after(() => next.close());
  assert.equal(next.deps.vault.keyId, parseMasterKey(newText).id);
  await assertAllReadable(next, stored);
});
