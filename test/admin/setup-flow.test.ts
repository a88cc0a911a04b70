import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock } from '../helpers/odock.ts';
import { DIALECTS, needPostgres } from '../helpers/services.ts';
import { runInitialSetup } from './setup-flow.steps.ts';

// Seed 000 "Initial Setup" end to end, over HTTP against a listening Odock, on each store.
for (const dialect of DIALECTS) {
  test(`initial setup flow (${dialect})`, async (t) => {
    if (dialect === 'postgres') {
      const reason = await needPostgres();
      if (reason) return t.skip(reason);
    }
    const odock = await startOdock({ dialect });
    t.after(() => odock.close());
    const r = await runInitialSetup(odock.url);

    // Without a grant the key is refused even though the model exists (the variant was not granted).
    const denied = await fetch(`${odock.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${r.virtualKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1-clientA', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(denied.status, 403);
    assert.equal(((await denied.json()) as { error: { code: string } }).error.code, 'model_not_allowed');

    // The same key through the other credential header, and a wrong key, as the gateway sees them.
    const viaHeader = await fetch(`${odock.url}/v1/models`, { headers: { 'x-api-key': r.virtualKey } });
    assert.equal(viaHeader.status, 200);
    const wrong = await fetch(`${odock.url}/v1/models`, { headers: { authorization: `Bearer ${r.virtualKey.slice(0, -1)}${r.virtualKey.endsWith('x') ? 'y' : 'x'}` } });
    assert.equal(wrong.status, 401);
  });
}
