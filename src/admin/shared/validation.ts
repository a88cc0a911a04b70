import { z } from 'zod';
import { GatewayError } from '../../errors/index.ts';
import type { PageParams } from '../../store/repos/paging.ts';

export type { PageParams };

/**
 * Parses an admin body with a strict zod schema. Unknown or read-only fields are rejected with
 * 400 naming the field, before anything is written.
 */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new GatewayError('invalid_request_body', 'Request body must be a JSON object');
  }
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    const field = [...issue.path, issue.keys[0]].join('.');
    throw new GatewayError('invalid_request', `Unknown or read-only field: ${field}`, { field });
  }
  const field = issue.path.join('.') || undefined;
  throw new GatewayError('invalid_request', field ? `${field}: ${issue.message}` : issue.message, field ? { field } : {});
}

export const name = z.string().trim().min(1, 'must not be empty').max(200);
export const id = z.string().min(1).max(100);
export const idList = z.array(id).min(1, 'must list at least one id').max(1000);

/** Reads `limit` and `cursor` from a query string (the cursor is opaque to clients: base64url of [created_at, id]). */
export function pageParams(query: unknown): PageParams {
  const q = (query ?? {}) as Record<string, unknown>;
  let limit = 50;
  if (q.limit !== undefined) {
    const n = Number(q.limit);
    if (!Number.isInteger(n) || n < 1 || n > 500) throw new GatewayError('invalid_request', 'limit must be an integer from 1 to 500', { field: 'limit' });
    limit = n;
  }
  let cursor: PageParams['cursor'];
  if (typeof q.cursor === 'string' && q.cursor) {
    try {
      const [createdAt, cid] = JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')) as [string, string];
      if (typeof createdAt !== 'string' || typeof cid !== 'string') throw new Error();
      cursor = { createdAt, id: cid };
    } catch {
      throw new GatewayError('invalid_request', 'cursor is not valid', { field: 'cursor' });
    }
  }
  return { limit, cursor };
}

/** Rows are fetched with limit + 1; the extra row only says there is a next page. */
export function toPage<R extends { id: string; created_at: string }, T>(rows: R[], limit: number, map: (r: R) => T): { items: T[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    items: page.map(map),
    nextCursor: more && last ? Buffer.from(JSON.stringify([last.created_at, last.id])).toString('base64url') : null,
  };
}
