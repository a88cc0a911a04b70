import { z } from 'zod';
import { isValidTimezone } from '../../auth/expiry.ts';
import { BUDGET_PERIODS } from '../../budgets/period-math.ts';

/** Fields budgets and quotas share. */
export const ownerType = z.enum(['ORGANISATION', 'TEAM', 'USER', 'API_KEY']);
export const period = z.enum(BUDGET_PERIODS as unknown as ['DAILY', 'WEEKLY', 'MONTHLY', 'QUARTERLY', 'TOTAL']);
export const timezone = z.string().min(1).max(100).refine(isValidTimezone, 'must be an IANA time zone such as Europe/Paris');
export const ownerFilter = z.object({ ownerType: ownerType.optional(), ownerId: z.string().min(1).max(100).optional(), limit: z.string().optional(), cursor: z.string().optional() }).strict();
