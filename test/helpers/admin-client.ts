import { ADMIN_EMAIL, ADMIN_PASSWORD } from './odock.ts';

export interface ApiResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small admin API client that logs in with the session cookie, as the console does. */
export class AdminClient {
  private cookie = '';
  /** Sent with every call (e.g. X-Forwarded-For through a trusted proxy). */
  headers: Record<string, string> = {};
  constructor(readonly baseUrl: string, private bearer?: string) {}

  static async login(baseUrl: string, email = ADMIN_EMAIL, password = ADMIN_PASSWORD): Promise<AdminClient> {
    const c = new AdminClient(baseUrl);
    const r = await c.call('POST', '/api/auth/login', { email, password });
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`);
    return c;
  }

  async call<T = any>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { ...this.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    // As a browser does for every request but GET and HEAD: the console's own origin.
    if (method !== 'GET' && method !== 'HEAD') headers.origin = this.baseUrl;
    if (this.cookie) headers.cookie = this.cookie;
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    const res = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  get = <T = any>(p: string) => this.call<T>('GET', p);
  post = <T = any>(p: string, b: unknown = {}) => this.call<T>('POST', p, b);
  patch = <T = any>(p: string, b: unknown) => this.call<T>('PATCH', p, b);
  del = <T = any>(p: string) => this.call<T>('DELETE', p);

  /** Must succeed: returns the body or throws with the error. */
  async ok<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await this.call<T>(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async defaultOrgId(): Promise<string> {
    const me = await this.ok('GET', '/api/auth/me');
    return me.organisations[0].id;
  }
}
