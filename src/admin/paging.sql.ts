import type { SelectQueryBuilder } from 'kysely';
import type { PageParams } from './validation.ts';

/** Newest first, keyset-paged on (created_at, id). */
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
