// The bench's Odock setup through the admin API, as an operator would do it: one provider (the fake
// upstream), one model, one granted and revealed key. Shared by the one-process and the N-workers targets.
export const BENCH_ADMIN = { email: 'bench@example.test', password: 'bench-password' };

export async function setupBenchKey(base: string, upstream: string): Promise<{ key: string; org: string; cookie: string }> {
  async function api(method: string, path: string, body?: unknown, cookie?: string) {
    const r = await fetch(base + path, { method, headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { json: (await r.json()) as any, cookie: r.headers.get('set-cookie')?.split(';')[0] };
  }
  const cookie = (await api('POST', '/api/auth/login', BENCH_ADMIN)).cookie!;
  const org = (await api('GET', '/api/auth/me', undefined, cookie)).json.organisations[0].id;
  const p = (await api('POST', `/api/organisations/${org}/providers`, { type: 'VLLM', baseUrl: upstream }, cookie)).json;
  const k = (await api('POST', `/api/organisations/${org}/providers/${p.id}/keys`, { name: 'Primary', key: 'sk-bench' }, cookie)).json;
  const m = (await api('POST', `/api/organisations/${org}/models`, { name: 'gpt-4.1-mini', slug: 'gpt-4.1-mini', providerId: p.id, providerApiKeyId: k.id, pricing: { inputPerMTok: 0.4, outputPerMTok: 1.6 } }, cookie)).json;
  const key = (await api('POST', `/api/organisations/${org}/api-keys`, { type: 'ORGANISATION', name: 'bench' }, cookie)).json;
  await api('POST', `/api/organisations/${org}/api-keys/${key.id}/model-access`, { modelIds: [m.id] }, cookie);
  const secret = (await api('POST', `/api/organisations/${org}/api-keys/${key.id}/reveal`, {}, cookie)).json.key;
  return { key: secret, org, cookie };
}
