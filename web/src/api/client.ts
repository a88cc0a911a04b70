// The one fetch wrapper of the console: JSON in and out, the session cookie rides along
// (same origin), and every error body `{"error":{"code","message",field?}}` becomes an ApiError.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Set by validation errors: the request field the server rejected. */
  readonly field?: string;
  readonly body: Record<string, unknown>;

  constructor(status: number, code: string, message: string, field: string | undefined, body: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.body = body;
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;

/** Listeners told when any call answers 401, so the app can drop to the login page. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

/** Fills `{param}` placeholders of a route template; values are URL-encoded. */
export function fillPath(template: string, params: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(v);
  });
}

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

export async function request<T>(method: string, path: string, opts: { body?: unknown; query?: Query } = {}): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  // The server refuses cookie-authenticated writes that are neither JSON nor same-origin (CSRF):
  // body-less POSTs (revoke, reveal, logout) send an empty JSON object; the browser adds Origin too.
  const body = opts.body === undefined && (method === 'POST' || method === 'PUT' || method === 'PATCH') ? {} : opts.body;
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...init.headers, 'content-type': 'application/json' };
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), init);
  } catch {
    throw new ApiError(0, 'network_error', 'Cannot reach the Odock server. Check your connection and try again.', undefined, {});
  }
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try { data = JSON.parse(text); } catch { data = undefined; }
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
    const apiError = new ApiError(
      res.status,
      err?.code ?? `http_${res.status}`,
      err?.message ?? `${res.status} ${res.statusText || 'request failed'}`,
      err?.field,
      (err as Record<string, unknown> | undefined) ?? {},
    );
    if (res.status === 401 && !path.startsWith('/api/auth/')) unauthorizedListeners.forEach((fn) => fn());
    throw apiError;
  }
  return data as T;
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong';
}
