import type { SelectQueryBuilder } from 'kysely';

/** One page request: how many rows, and where the previous page ended (keyset on created_at, id). */
export interface PageParams {
  limit: number;
  cursor?: { createdAt: string; id: string };
}

/** Newest first, keyset-paged on (created_at, id); fetches limit + 1 so the caller sees whether a next page exists. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function pageQuery<QB extends SelectQueryBuilder<any, any, any>>(qb: QB, table: string, p: PageParams): QB {
  let q = qb.orderBy(`${table}.created_at`, 'desc').orderBy(`${table}.id`, 'desc').limit(p.limit + 1) as QB;
  if (p.cursor) {
    const { createdAt, id } = p.cursor;
    q = q.where((eb: any) => eb.or([
      eb(`${table}.created_at`, '<', createdAt),
      eb.and([eb(`${table}.created_at`, '=', createdAt), eb(`${table}.id`, '<', id)]),
    ])) as QB;
  }
  return q;
}
