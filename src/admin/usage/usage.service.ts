import type { PageParams } from '../../store/repos/paging.ts';
import type { UsageFilter, UsageRepo } from '../../store/repos/usage.repo.ts';

export interface UsageQuery extends UsageFilter { modelId?: string; mcpServerId?: string }


export interface UsageServiceDeps {
  usage: Pick<UsageRepo, 'listPage' | 'listMcpPage'>;
}

/**
 * Usage records of one organisation: model calls and MCP calls, each filtered and paged newest
 * first. Thin today; budgets and analytics will read through here.
 */
export function createUsageService({ usage }: UsageServiceDeps) {
  return {
    list(orgId: string, f: UsageQuery, p: PageParams) {
      return usage.listPage(orgId, f, p);
    },
    listMcp(orgId: string, f: UsageQuery, p: PageParams) {
      return usage.listMcpPage(orgId, f, p);
    },
  };
}
export type UsageService = ReturnType<typeof createUsageService>;
