// One listening Odock with a model on each provider family (fake OpenAI, Anthropic and Gemini
// upstreams on loopback), a key granted all three: the setup the client end-to-end tests share.
import { before, after } from 'node:test';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { startFakeOpenAI } from '../fakes/fake-openai.ts';
import { startFakeAnthropic } from '../fakes/fake-anthropic.ts';
import { startFakeGemini } from '../fakes/fake-gemini.ts';
import type { FakeUpstream } from '../fakes/fake-server.ts';

export type Family = 'openai' | 'anthropic' | 'gemini';
export const FAMILIES: Family[] = ['openai', 'anthropic', 'gemini'];

export interface ThreeFamilies {
  o: TestOdock;
  fakes: Record<Family, FakeUpstream>;
  setups: Record<Family, SetupResult>;
  /** The virtual key whose organisation holds the family's model. */
  secret(f: Family): string;
}

/**
 * Registers before/after hooks in the calling suite; the returned object is filled once they ran.
 * `keys` are the provider keys the fakes check; `models` the Odock model name per family.
 */
export function threeFamilies(keys: Record<Family, string>, models: Record<Family, string>): ThreeFamilies {
  const t = { fakes: {}, setups: {}, secret: (f: Family) => t.setups[f].secret } as ThreeFamilies;
  before(async () => {
    t.fakes.openai = await startFakeOpenAI({ apiKey: keys.openai });
    t.fakes.anthropic = await startFakeAnthropic({ apiKey: keys.anthropic });
    t.fakes.gemini = await startFakeGemini({ apiKey: keys.gemini });
    t.o = await startOdock();
    t.setups.openai = await setupKey(t.o, { providerType: 'OPENAI', baseUrl: t.fakes.openai.url, providerKey: keys.openai, models: { [models.openai]: { slug: 'gpt-4.1-mini' } } });
    const shared = { client: t.setups.openai.client, orgId: t.setups.openai.orgId };
    t.setups.anthropic = await setupKey(t.o, { ...shared, providerType: 'ANTHROPIC', baseUrl: t.fakes.anthropic.url, providerKey: keys.anthropic, models: { [models.anthropic]: { slug: 'claude-sonnet-4-5' } } });
    t.setups.gemini = await setupKey(t.o, { ...shared, providerType: 'GOOGLE', baseUrl: t.fakes.gemini.url, providerKey: keys.gemini, models: { [models.gemini]: { slug: 'gemini-2.5-flash' } } });
  });
  after(async () => {
    await t.o?.close();
    for (const f of Object.values(t.fakes)) await f?.close();
  });
  return t;
}
