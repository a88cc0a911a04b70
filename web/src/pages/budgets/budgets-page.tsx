// Budgets: every spend limit and quota of the organisation, with how much of it is used now.
import { Stack } from '@mantine/core';
import { PageHeader } from '../../components/page-header.tsx';
import { ReadOnlyNotice } from '../../components/read-only-notice.tsx';
import { BudgetsCard, QuotasCard } from './limit-tables.tsx';

export function BudgetsPage() {
  return (
    <>
      <PageHeader
        title="Budgets"
        description="Spend limits and quotas for the organisation, its teams, users and keys. Each call reserves its worst case before it reaches the provider; BLOCK budgets refuse the call that would overspend."
      />
      <ReadOnlyNotice />
      <Stack gap="lg">
        <BudgetsCard />
        <QuotasCard />
      </Stack>
    </>
  );
}
