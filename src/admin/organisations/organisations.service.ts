import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors/index.ts';
import { nowIso } from '../../store/db.ts';
import type { OrganisationTable } from '../../store/schema.ts';
import type { OrganisationRepo } from '../../store/repos/organisation.repo.ts';
import type { PageParams } from '../shared/validation.ts';
import type { Operator } from '../auth/operator-auth.ts';

export interface OrganisationServiceDeps {
  organisations: Pick<OrganisationRepo, 'listPage' | 'findById' | 'insert' | 'update'>;
  invalidateOrg(orgId: string): Promise<void>;
}

/** Organisations: a super-admin sees and creates them all; an operator sees those it is a member of. */
export function createOrganisationService(deps: OrganisationServiceDeps) {
  const get = async (orgId: string): Promise<OrganisationTable> => {
    const org = await deps.organisations.findById(orgId);
    if (!org) throw new GatewayError('not_found', 'Organisation not found');
    return org;
  };
  return {
    list: (op: Operator, page: PageParams) => deps.organisations.listPage(page, op.superAdmin ? {} : { memberOperatorId: op.id }),

    async create(input: { name: string }): Promise<OrganisationTable> {
      const now = nowIso();
      const org: OrganisationTable = { id: randomUUID(), name: input.name, policies: '{}', created_at: now, updated_at: now };
      await deps.organisations.insert(org);
      return org;
    },

    get,

    /** Policies apply to every key of the organisation: the caches drop the organisation's entries. */
    async update(orgId: string, patch: { name?: string; policies?: unknown }): Promise<OrganisationTable> {
      const set: Partial<OrganisationTable> = { updated_at: nowIso() };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.policies !== undefined) set.policies = JSON.stringify(patch.policies);
      await deps.organisations.update(orgId, set);
      await deps.invalidateOrg(orgId);
      return get(orgId);
    },
  };
}

export type OrganisationService = ReturnType<typeof createOrganisationService>;
