import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../errors/index.ts';
import { nowIso } from '../store/db.ts';
import { requireOrg } from './operator-auth.ts';
import { tokenView } from './auth.routes.ts';
import { pageParams, toPage } from './validation.ts';
import { pageQuery } from './paging.sql.ts';

type Params = { orgId: string; tokenId: string };

/**
 * The access tokens of an organisation's operators, for its admins: they see who can act on the
 * organisation from a script, and can end a token (a leaver's, a leaked one). Never the token
 * itself or its hash.
 */
export async function operatorTokenRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;
  const membersOf = (orgId: string) => db.selectFrom('users').select('operator_id').where('organisation_id', '=', orgId).where('operator_id', 'is not', null);

  app.get<{ Params: Pick<Params, 'orgId'> }>('/organisations/:orgId/operator-tokens', async (req) => {
    const { orgId } = req.params;
    await requireOrg(req, orgId, 'admin');
    const p = pageParams(req.query);
    const rows = await pageQuery(db.selectFrom('operator_tokens').innerJoin('operators', 'operators.id', 'operator_tokens.operator_id')
      .select(['operator_tokens.id', 'operator_tokens.name', 'operator_tokens.preview', 'operator_tokens.created_at', 'operator_tokens.last_used_at',
        'operator_tokens.expires_at', 'operators.id as owner_id', 'operators.email as owner_email', 'operators.name as owner_name'])
      .where('operator_tokens.operator_id', 'in', membersOf(orgId)).where('operator_tokens.expires_at', '>', nowIso()), 'operator_tokens', p).execute();
    return toPage(rows, p.limit, (r) => ({ ...tokenView(r), owner: { id: r.owner_id, email: r.owner_email, name: r.owner_name } }));
  });

  app.delete<{ Params: Params }>('/organisations/:orgId/operator-tokens/:tokenId', async (req, reply) => {
    const { orgId, tokenId } = req.params;
    await requireOrg(req, orgId, 'admin');
    const r = await db.deleteFrom('operator_tokens').where('id', '=', tokenId).where('operator_id', 'in', membersOf(orgId)).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw new GatewayError('not_found', 'Token not found');
    reply.status(204);
  });
}
