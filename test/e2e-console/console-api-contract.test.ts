// The console's typed client is checked against the server's own OpenAPI document: every route
// the console calls must exist there with its method, so the two cannot drift apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock } from '../helpers/odock.ts';
import { ROUTES } from '../../web/src/api/routes.ts';

// Parameter names may differ between the client's templates and the server's; positions matter.
const shape = (path: string) => path.replace(/\{[^}]+\}/g, '{}');

test('every admin route the console calls exists in /api/openapi.json with its method', async (t) => {
  const odock = await startOdock();
  t.after(() => odock.close());
  const res = await fetch(`${odock.url}/api/openapi.json`);
  assert.equal(res.status, 200);
  const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
  const served = new Map<string, Set<string>>();
  for (const [path, ops] of Object.entries(doc.paths)) served.set(shape(path), new Set(Object.keys(ops).map((m) => m.toUpperCase())));

  const missing = Object.entries(ROUTES)
    .filter(([, [method, path]]) => !served.get(shape(path))?.has(method))
    .map(([name, [method, path]]) => `${name}: ${method} ${path}`);
  assert.deepEqual(missing, [], 'console routes missing from the OpenAPI document');
});
