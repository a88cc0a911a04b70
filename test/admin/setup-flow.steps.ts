import assert from 'node:assert/strict';
import { AdminClient } from '../helpers/admin-client.ts';

/** A provider secret shaped like OpenAI's, unique per run so a database dump can be grepped for it. */
export function fakeProviderSecret(): string {
  return `sk-proj-${crypto.randomUUID().replace(/-/g, '')}Zq9X`;
}

export interface SetupResult {
  admin: AdminClient;
  orgId: string;
  providerId: string;
  providerKeyId: string;
  providerSecret: string;
  modelIds: Record<string, string>;
  apiKeyId: string;
  virtualKey: string;
  /** Every admin response body seen after the reveal, for secret greps. */
  responsesAfterReveal: string[];
}

const GPT41 = ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano'];

/**
 * Seed 000 "Initial Setup", step by step over HTTP, asserting what the operator sees at each
 * step. Shared by the end-to-end test and the secrets-at-rest test.
 */
export async function runInitialSetup(baseUrl: string): Promise<SetupResult> {
  // Log in as the first operator; the Default organisation is theirs.
  const admin = await AdminClient.login(baseUrl);
  const me = await admin.ok('GET', '/api/auth/me');
  const org = me.organisations.find((o: { name: string }) => o.name === 'Default');
  assert.ok(org, 'the first operator administers an organisation named Default');
  assert.equal(org.role, 'admin');
  const orgId: string = org.id;
  const base = `/api/organisations/${orgId}`;

  // Providers page: every type as a card with its activation state.
  let providers = await admin.ok('GET', `${base}/providers`);
  const types = providers.items.map((p: { type: string }) => p.type);
  for (const t of ['OPENAI', 'ANTHROPIC', 'GOOGLE', 'AZURE_OPENAI', 'MISTRAL', 'VLLM', 'CUSTOM']) assert.ok(types.includes(t), `provider card ${t}`);
  const openaiCard = providers.items.find((p: { type: string }) => p.type === 'OPENAI');
  assert.equal(openaiCard.active, false);
  assert.equal(openaiCard.provider, null);

  // Activate OpenAI: the default OpenAI base URL.
  const act = await admin.post(`${base}/providers`, { type: 'OPENAI' });
  assert.equal(act.status, 201, JSON.stringify(act.body));
  const providerId: string = act.body.id;
  assert.equal(act.body.type, 'OPENAI');
  assert.equal(act.body.baseUrl, 'https://api.openai.com/v1');
  assert.equal(act.body.enabled, true);
  providers = await admin.ok('GET', `${base}/providers`);
  const activeCard = providers.items.find((p: { type: string }) => p.type === 'OPENAI');
  assert.equal(activeCard.active, true);
  assert.equal(activeCard.provider.id, providerId);
  assert.equal(providers.items.find((p: { type: string }) => p.type === 'ANTHROPIC').active, false);
  // Configure: the provider detail page.
  assert.equal((await admin.ok('GET', `${base}/providers/${providerId}`)).baseUrl, 'https://api.openai.com/v1');

  // Add Provider Key: answered with id, name and the last 4 characters only.
  const providerSecret = fakeProviderSecret();
  const pk = await admin.post(`${base}/providers/${providerId}/keys`, { name: 'Primary', key: providerSecret });
  assert.equal(pk.status, 201, JSON.stringify(pk.body));
  assert.equal(typeof pk.body.id, 'string');
  assert.equal(pk.body.name, 'Primary');
  assert.equal(pk.body.keyPreview, providerSecret.slice(-4));
  assert.equal(pk.body.revoked, false);
  assert.ok(!JSON.stringify(pk.body).includes(providerSecret.slice(0, -4)), 'the provider secret is never returned');
  const providerKeyId: string = pk.body.id;
  const keyList = await admin.get(`${base}/providers/${providerId}/keys`);
  assert.deepEqual(keyList.body.items.map((k: { id: string }) => k.id), [providerKeyId]);
  assert.ok(!JSON.stringify(keyList.body).includes(providerSecret.slice(0, -4)));

  // Catalog: search and filter.
  const search = await admin.ok('GET', '/api/catalog/models?providerType=OPENAI&q=gpt-4.1');
  const found = search.items.map((m: { slug: string }) => m.slug);
  for (const s of GPT41) assert.ok(found.includes(s), `catalog search finds ${s}`);
  assert.ok(search.items.every((m: { providerType: string; slug: string; name: string }) =>
    m.providerType === 'OPENAI' && (m.slug + m.name).toLowerCase().includes('gpt-4.1')));
  const gpt41 = search.items.find((m: { slug: string }) => m.slug === 'gpt-4.1');
  assert.equal(gpt41.type, 'chat');
  assert.ok(gpt41.pricing.inputPerMTok > 0 && gpt41.pricing.outputPerMTok > 0, 'catalog entries carry prices');
  const embeddings = await admin.ok('GET', '/api/catalog/models?providerType=OPENAI&type=embeddings');
  assert.ok(embeddings.items.length > 0);
  assert.ok(embeddings.items.every((m: { type: string; providerType: string }) => m.type === 'embeddings' && m.providerType === 'OPENAI'));
  const anthropic = await admin.ok('GET', '/api/catalog/models?providerType=ANTHROPIC');
  assert.ok(anthropic.items.length > 0 && anthropic.items.every((m: { providerType: string }) => m.providerType === 'ANTHROPIC'));
  assert.deepEqual((await admin.ok('GET', '/api/catalog/models?q=no-such-model-anywhere')).items, []);

  // Batch create: all or nothing. An unknown slug creates nothing.
  const models = () => admin.ok('GET', `${base}/models?limit=500`).then((b) => b.items.map((m: { name: string }) => m.name).sort());
  const bad = await admin.post(`${base}/models/batch`, { providerId, providerApiKeyId: providerKeyId, slugs: ['gpt-4.1', 'gpt-4.1-ultra-unknown'] });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'invalid_request');
  assert.deepEqual(await models(), []);

  const batch = await admin.post(`${base}/models/batch`, { providerId, providerApiKeyId: providerKeyId, slugs: GPT41 });
  assert.equal(batch.status, 201, JSON.stringify(batch.body));
  assert.deepEqual(batch.body.items.map((m: { name: string }) => m.name).sort(), [...GPT41].sort());
  const modelIds: Record<string, string> = {};
  for (const m of batch.body.items) {
    assert.equal(m.slug, m.name);
    assert.equal(m.providerId, providerId);
    assert.equal(m.providerApiKeyId, providerKeyId);
    assert.equal(m.type, 'chat');
    modelIds[m.name] = m.id;
  }
  // A batch with one duplicate creates nothing either.
  const dup = await admin.post(`${base}/models/batch`, { providerId, providerApiKeyId: providerKeyId, slugs: ['gpt-4o', 'gpt-4.1'] });
  assert.equal(dup.status, 409, JSON.stringify(dup.body));
  assert.deepEqual(await models(), [...GPT41].sort());

  // A model by hand, and a variant of gpt-4.1 under another name.
  const manual = await admin.post(`${base}/models`, {
    name: 'embed-small', slug: 'text-embedding-3-small', providerId, providerApiKeyId: providerKeyId, type: 'embeddings', pricing: { inputPerMTok: 0.02 },
  });
  assert.equal(manual.status, 201, JSON.stringify(manual.body));
  assert.equal(manual.body.type, 'embeddings');
  modelIds['embed-small'] = manual.body.id;
  const variant = await admin.post(`${base}/models`, { name: 'gpt-4.1-clientA', slug: 'gpt-4.1', providerId, providerApiKeyId: providerKeyId, type: 'chat' });
  assert.equal(variant.status, 201, JSON.stringify(variant.body));
  assert.equal(variant.body.slug, 'gpt-4.1');
  modelIds['gpt-4.1-clientA'] = variant.body.id;

  // Add New API Key: ORGANISATION, expiry read in the chosen timezone. The secret is not in the answer.
  const created = await admin.post(`${base}/api-keys`, { type: 'ORGANISATION', name: 'first', expiry: '2031-06-30T18:00', timezone: 'Europe/Paris' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const apiKeyId: string = created.body.id;
  assert.equal(created.body.type, 'ORGANISATION');
  assert.equal(created.body.teamId, null);
  assert.equal(created.body.userId, null);
  assert.equal(created.body.timezone, 'Europe/Paris');
  assert.equal(created.body.expiry, '2031-06-30T16:00:00.000Z', '18:00 in Paris (summer time) is 16:00 UTC');
  assert.equal(created.body.revealed, false);
  assert.equal(created.body.revoked, false);
  assert.match(created.body.maskedKey, /^odk_/);
  assert.equal(created.body.key, undefined);

  // Model Access → Batch Add the three GPT-4.1 models.
  const grant = await admin.post(`${base}/api-keys/${apiKeyId}/model-access`, { modelIds: GPT41.map((n) => modelIds[n]) });
  assert.equal(grant.status, 201, JSON.stringify(grant.body));
  const access = await admin.ok('GET', `${base}/api-keys/${apiKeyId}/model-access`);
  assert.deepEqual(access.items.map((m: { name: string }) => m.name).sort(), [...GPT41].sort());
  const grantedTo = await admin.ok('GET', `${base}/models/${modelIds['gpt-4.1-mini']}/api-keys`);
  assert.deepEqual(grantedTo.items.map((k: { id: string }) => k.id), [apiKeyId]);

  // Reveal once: the full key, then only the masked value.
  const reveal = await admin.post(`${base}/api-keys/${apiKeyId}/reveal`);
  assert.equal(reveal.status, 200, JSON.stringify(reveal.body));
  const virtualKey: string = reveal.body.key;
  assert.match(virtualKey, /^odk_[0-9A-Za-z]{49}$/);
  const again = await admin.post(`${base}/api-keys/${apiKeyId}/reveal`);
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'api_key_already_revealed');
  assert.ok(again.body.error.maskedKey.endsWith(virtualKey.slice(-4)));
  assert.ok(!JSON.stringify(again.body).includes(virtualKey));
  const responsesAfterReveal = [JSON.stringify(again.body)];
  const detail = await admin.ok('GET', `${base}/api-keys/${apiKeyId}`);
  assert.equal(detail.revealed, true);
  assert.equal(detail.maskedKey, again.body.error.maskedKey);
  responsesAfterReveal.push(JSON.stringify(detail));

  // Ready for the first request: the gateway lists exactly the granted models for this key.
  const list = await fetch(`${baseUrl}/v1/models`, { headers: { authorization: `Bearer ${virtualKey}` } });
  assert.equal(list.status, 200);
  const listed = (await list.json()) as { object: string; data: Array<{ id: string }> };
  assert.equal(listed.object, 'list');
  assert.deepEqual(listed.data.map((m) => m.id).sort(), [...GPT41].sort());

  return { admin, orgId, providerId, providerKeyId, providerSecret, modelIds, apiKeyId, virtualKey, responsesAfterReveal };
}
