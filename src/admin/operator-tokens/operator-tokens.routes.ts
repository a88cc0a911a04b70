import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { OperatorTokenRow } from '../../store/repos/operator-token.repo.ts';
import { operatorTokenRepo } from '../../store/repos/operator-token.repo.ts';
import { name, pageParams, parseBody, toPage } from '../shared/validation.ts';
import { requireOperator, requireOrg } from '../auth/operator-auth.ts';
import { createOperatorTokenService } from './operator-tokens.service.ts';

/** What the API shows of a token: never the token (but once, at creation) or its hash. */
export const tokenView = (r: OperatorTokenRow) => ({
  id: r.id, name: r.name, preview: r.preview, createdAt: r.created_at, lastUsedAt: r.last_used_at, expiresAt: r.expires_at,
});

type Params = { orgId: string; tokenId: string };

/** One's own access tokens (/auth/tokens), and an organisation's members' tokens for its admins. */
export async function operatorTokenRoutes(app: FastifyInstance): Promise<void> {
  const { OPERATOR_TOKEN_TTL_DAYS } = app.deps.config;
  const tokens = createOperatorTokenService({ operatorTokens: operatorTokenRepo(app.deps.store.db), ttlDays: OPERATOR_TOKEN_TTL_DAYS });
  const TokenCreate = z.object({ name, expiresInDays: z.number().int().min(1).max(OPERATOR_TOKEN_TTL_DAYS).optional() }).strict();

  app.get('/auth/tokens', async (req) => {
    const op = requireOperator(req);
    const p = pageParams(req.query);
    return toPage(await tokens.listOwn(op.id, p), p.limit, tokenView);
  });

  app.post('/auth/tokens', { config: { bodySchema: TokenCreate } }, async (req, reply) => {
    const op = requireOperator(req);
    const body = parseBody(TokenCreate, req.body);
    const { row, token } = await tokens.create(op.id, body);
    reply.status(201);
    return { ...tokenView(row), token };
  });

  app.delete('/auth/tokens/:tokenId', async (req, reply) => {
    const op = requireOperator(req);
    const { tokenId } = req.params as { tokenId: string };
    await tokens.deleteOwn(op.id, tokenId);
    reply.status(204);
  });

  app.get<{ Params: Pick<Params, 'orgId'> }>('/organisations/:orgId/operator-tokens', async (req) => {
    const { orgId } = req.params;
    await requireOrg(req, orgId, 'admin');
    const p = pageParams(req.query);
    return toPage(await tokens.listOfOrganisation(orgId, p), p.limit, (r) => ({ ...tokenView(r), owner: { id: r.owner_id, email: r.owner_email, name: r.owner_name } }));
  });

  app.delete<{ Params: Params }>('/organisations/:orgId/operator-tokens/:tokenId', async (req, reply) => {
    const { orgId, tokenId } = req.params;
    await requireOrg(req, orgId, 'admin');
    await tokens.deleteInOrganisation(orgId, tokenId);
    reply.status(204);
  });
}
