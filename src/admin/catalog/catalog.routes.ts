import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PROVIDER_TYPES } from '../../providers/provider-types.ts';
import { requireOperator } from '../auth/operator-auth.ts';
import { parseBody } from '../shared/validation.ts';
import { CATALOG } from './catalog.data.ts';

const Query = z.object({
  providerType: z.enum(PROVIDER_TYPES).optional(),
  q: z.string().max(200).optional(),
  type: z.enum(['chat', 'embeddings', 'image', 'audio']).optional(),
  capability: z.string().max(50).optional(),
}).strict();

export async function catalogRoutes(app: FastifyInstance): Promise<void> {
  app.get('/catalog/models', { config: { querySchema: Query } }, async (req) => {
    requireOperator(req);
    const q = parseBody(Query, req.query ?? {});
    const needle = q.q?.trim().toLowerCase();
    const items = CATALOG.filter((m) =>
      (!q.providerType || m.providerType === q.providerType)
      && (!q.type || m.type === q.type)
      && (!q.capability || m.capabilities.includes(q.capability))
      && (!needle || m.slug.toLowerCase().includes(needle) || m.name.toLowerCase().includes(needle)));
    return { items, nextCursor: null };
  });
}
