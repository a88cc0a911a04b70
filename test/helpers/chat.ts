/** A raw chat completion request to a gateway (model gpt-4.1-mini, one user message unless `extra` says otherwise). */
export function postChat(url: string, key: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }], ...extra }),
  });
}
