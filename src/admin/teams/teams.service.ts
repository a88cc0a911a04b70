import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors/index.ts';
import { isUniqueViolation, nowIso } from '../../store/db.ts';
import type { TeamTable, UserTable } from '../../store/schema.ts';
import type { TeamRepo } from '../../store/repos/team.repo.ts';
import type { UserRepo } from '../../store/repos/user.repo.ts';
import type { PageParams } from '../shared/validation.ts';

export interface TeamServiceDeps {
  teams: Pick<TeamRepo, 'listPage' | 'find' | 'insert' | 'update' | 'delete' | 'listMembersPage' | 'addMember' | 'removeMember'>;
  users: Pick<UserRepo, 'find'>;
  invalidateOrg(orgId: string): Promise<void>;
}

const nameTaken = (name: string | undefined) => new GatewayError('conflict', `A team named '${name}' already exists`, { field: 'name' });

/** Teams of an organisation and their members. Team policies bind the team's keys: changes drop cached entries. */
export function createTeamService(deps: TeamServiceDeps) {
  const get = async (orgId: string, teamId: string): Promise<TeamTable> => {
    const t = await deps.teams.find(orgId, teamId);
    if (!t) throw new GatewayError('not_found', 'Team not found');
    return t;
  };
  return {
    list: (orgId: string, page: PageParams) => deps.teams.listPage(orgId, page),

    async create(orgId: string, input: { name: string; policies?: unknown }): Promise<TeamTable> {
      const now = nowIso();
      const team: TeamTable = { id: randomUUID(), organisation_id: orgId, name: input.name, policies: JSON.stringify(input.policies ?? {}), created_at: now, updated_at: now };
      try {
        await deps.teams.insert(team);
      } catch (e) {
        if (isUniqueViolation(e)) throw nameTaken(input.name);
        throw e;
      }
      return team;
    },

    get,

    async update(orgId: string, teamId: string, patch: { name?: string; policies?: unknown }): Promise<TeamTable> {
      await get(orgId, teamId);
      const set: Partial<TeamTable> = { updated_at: nowIso() };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.policies !== undefined) set.policies = JSON.stringify(patch.policies);
      try {
        await deps.teams.update(orgId, teamId, set);
      } catch (e) {
        if (isUniqueViolation(e)) throw nameTaken(patch.name);
        throw e;
      }
      await deps.invalidateOrg(orgId);
      return get(orgId, teamId);
    },

    async delete(orgId: string, teamId: string): Promise<void> {
      await get(orgId, teamId);
      // TEAM keys are owned by the team: they go with it (cascade), and the caches with them.
      await deps.teams.delete(orgId, teamId);
      await deps.invalidateOrg(orgId);
    },

    async listMembers(orgId: string, teamId: string, page: PageParams): Promise<UserTable[]> {
      await get(orgId, teamId);
      return deps.teams.listMembersPage(orgId, teamId, page);
    },

    /** Only a member of the same organisation can join its team. */
    async addMember(orgId: string, teamId: string, userId: string): Promise<UserTable> {
      await get(orgId, teamId);
      const user = await deps.users.find(orgId, userId);
      if (!user) throw new GatewayError('invalid_request', 'userId does not name a user of this organisation', { field: 'userId' });
      try {
        await deps.teams.addMember({ team_id: teamId, user_id: user.id, organisation_id: orgId, created_at: nowIso() });
      } catch (e) {
        if (isUniqueViolation(e)) throw new GatewayError('conflict', 'The user is already a member of this team', { field: 'userId' });
        throw e;
      }
      return user;
    },

    async removeMember(orgId: string, teamId: string, userId: string): Promise<void> {
      if (!(await deps.teams.removeMember(orgId, teamId, userId))) throw new GatewayError('not_found', 'Membership not found');
    },
  };
}

export type TeamService = ReturnType<typeof createTeamService>;
