// Cooldowns are shared: two Odock processes on one PostgreSQL and one Redis. A deployment that
// answered 429 with Retry-After through one instance is skipped by the other until the rest ends.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sharedServicesEnv, spawnOdock, type OdockProcess } from '../helpers/odock-process.ts';
import type { TestOdock } from '../helpers/odock.ts';
import { dropSchema, needPostgres, needRedis, uniquePrefix, uniqueSchema } from '../helpers/services.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.ts';
import { postChat } from '../helpers/chat.ts';
import { RoutingSetup } from '../gateway/routing-helpers.ts';

describe('routing cooldowns across two Odock processes on one Redis', () => {
  const nodes: OdockProcess[] = [];
  let primary: FakeOpenAI;
  let spare: FakeOpenAI;
  let skip: string | undefined;
  const schema = uniqueSchema();
  const prefix = uniquePrefix();

  before(async () => {
    skip = (await needPostgres()) ?? (await needRedis());
    if (skip) return;
    primary = await startFakeOpenAI({ apiKey: 'sk-cool-primary-0001' });
    spare = await startFakeOpenAI({ apiKey: 'sk-cool-spare-0001' });
    const env = sharedServicesEnv(schema, prefix);
    // One at a time: the first migrates and creates the first operator.
    for (let i = 0; i < 2; i++) nodes.push(await spawnOdock(env));
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    await primary?.close();
    await spare?.close();
    if (!skip) await dropSchema(schema).catch(() => {});
  });

  it('a 429 with Retry-After seen by one instance rests the deployment on the other', async (t) => {
    if (skip) return t.skip(skip);
    const s = await RoutingSetup.create({ url: nodes[0].url } as TestOdock);
    const p1 = await s.provider('OPENAI', primary.url, 'sk-cool-primary-0001');
    const p2 = await s.provider('VLLM', spare.url, 'sk-cool-spare-0001');
    const model = await s.model('shared-model', 'gpt-4.1-mini', p1);
    await s.deployment(model, p1, 'primary-slug', 1);
    const spareId = await s.deployment(model, p2, 'spare-slug', 0);
    const key = await s.key([model]);

    // Both instances warm, then the primary rate-limits a call through instance A.
    for (const n of nodes) assert.equal((await postChat(n.url, key.secret, { model: 'shared-model' })).status, 200);
    primary.next({ kind: 'error', status: 429, headers: { 'retry-after': '300' } });
    assert.equal((await postChat(nodes[0].url, key.secret, { model: 'shared-model' })).status, 429);

    // The spare gets weight; instance B (which never saw the 429) now sends everything to it.
    await s.client.ok('PATCH', `${s.base}/deployments/${spareId}`, { weight: 1 });
    const before = primary.requests.length;
    for (let i = 0; i < 4; i++) assert.equal((await postChat(nodes[1].url, key.secret, { model: 'shared-model' })).status, 200);
    assert.equal(primary.requests.length, before, 'instance B skipped the resting deployment');
    assert.equal(spare.requests.filter((r) => r.body.model === 'spare-slug').length, 4);
  });
});
