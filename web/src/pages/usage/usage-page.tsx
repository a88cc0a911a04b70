// Usage: spend and traffic from the analytics API (rollups: exact totals whatever the traffic),
// the raw records paged on the server, MCP calls, filters, and CSV exports of both.
import { Alert, Button, Group, Select, SimpleGrid, Skeleton, Stack, Tabs, Text } from '@mantine/core';
import { IconCpu, IconDownload, IconPlugConnected, IconReceipt } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, fetchAll } from '../../api/endpoints.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { errorMessage } from '../../api/client.ts';
import { useAllApiKeys } from '../../hooks/use-all-api-keys.ts';
import { useOrgId } from '../../hooks/use-session.ts';
import { formatNumber } from '../../lib/format.ts';
import { analyticsApi, exportUrl, type AnalyticsFilters } from './analytics-api.ts';
import { UsageBreakdown } from './usage-breakdown.tsx';
import { UsageChargeback } from './usage-chargeback.tsx';
import { UsageCharts } from './usage-charts.tsx';
import { formatMs, formatUsd } from './usage-format.ts';
import { UsageMcp } from './usage-mcp.tsx';
import { RANGES, rangeBounds, type RangeValue } from './usage-range.ts';
import { UsageRecords } from './usage-records.tsx';
import { Stat } from './usage-stat.tsx';

export function UsagePage() {
  const orgId = useOrgId();
  const [range, setRange] = useState<RangeValue>('24h');
  const [apiKeyId, setApiKeyId] = useState<string | null>(null);
  const [teamId, setTeamId] = useState<string | null>(null);
  const [modelId, setModelId] = useState<string | null>(null);
  const [providerId, setProviderId] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<'success' | 'error' | null>(null);
  const [tab, setTab] = useState<string | null>('models');
  const bounds = useMemo(() => rangeBounds(range), [range]);

  const keys = useAllApiKeys(orgId);
  const teams = useQuery({ queryKey: ['org', orgId, 'teams', 'all'], queryFn: () => fetchAll((q) => api.listTeams(orgId, q)) });
  const models = useQuery({ queryKey: ['org', orgId, 'models', 'all'], queryFn: () => fetchAll((q) => api.listModels(orgId, q)) });
  const providers = useQuery({ queryKey: ['org', orgId, 'providers'], queryFn: () => api.listProviders(orgId) });
  const servers = useQuery({ queryKey: ['org', orgId, 'mcp-servers', 'all'], queryFn: () => fetchAll((q) => api.listMcpServers(orgId, q)), enabled: tab === 'mcp' });
  const keyName = new Map((keys.data?.items ?? []).map((k) => [k.id, k.name ?? k.maskedKey]));
  const modelNames = new Map((models.data?.items ?? []).map((m) => [m.id, m.name]));
  const serverName = new Map((servers.data?.items ?? []).map((x) => [x.id, x.name]));

  const filters: AnalyticsFilters = { ...bounds, apiKeyId, teamId, modelId, providerId, outcome };
  const overview = useQuery({ queryKey: ['org', orgId, 'analytics', 'overview', filters], queryFn: () => analyticsApi.usage(orgId, filters) });
  const t = overview.data?.totals;
  const recordFilters = { apiKeyId, modelId, status: outcome, from: bounds.from, to: bounds.to };

  return (
    <>
      <PageHeader title="Usage" description="Spend and traffic of every gateway call, by key, team, model and provider. Prompts and completions are never recorded." />
      {/* The chargeback has its own period; the range and filters do not apply to it. */}
      {tab !== 'chargeback' && <Group mb="lg" gap="sm" wrap="wrap">
        <Select aria-label="Time range" data={RANGES.map((r) => ({ value: r.value, label: r.label }))} value={range} onChange={(v) => v && setRange(v as RangeValue)} allowDeselect={false} w={{ base: '48%', sm: 160 }} />
        <Select aria-label="Filter by API key" placeholder="All API keys" searchable clearable value={apiKeyId} onChange={setApiKeyId} w={{ base: '48%', sm: 200 }}
          data={(keys.data?.items ?? []).map((k) => ({ value: k.id, label: k.name ?? k.maskedKey }))} />
        <Select aria-label="Filter by team" placeholder="All teams" searchable clearable value={teamId} onChange={setTeamId} w={{ base: '48%', sm: 170 }}
          data={(teams.data?.items ?? []).map((x) => ({ value: x.id, label: x.name }))} disabled={tab === 'mcp'} />
        <Select aria-label="Filter by model" placeholder="All models" searchable clearable value={modelId} onChange={setModelId} w={{ base: '48%', sm: 180 }}
          data={(models.data?.items ?? []).map((m) => ({ value: m.id, label: m.name }))} disabled={tab === 'mcp'} />
        <Select aria-label="Filter by provider" placeholder="All providers" clearable value={providerId} onChange={setProviderId} w={{ base: '48%', sm: 170 }}
          data={(providers.data?.items ?? []).flatMap((p) => (p.provider ? [{ value: p.provider.id, label: p.displayName }] : []))} disabled={tab === 'mcp'} />
        <Select aria-label="Filter by status" placeholder="Any status" clearable value={outcome} onChange={(v) => setOutcome(v as 'success' | 'error' | null)} w={{ base: '48%', sm: 140 }}
          data={[{ value: 'success', label: 'Succeeded' }, { value: 'error', label: 'Failed' }]} />
        {/* The exports cover model calls (records and totals); MCP records stay in their table. */}
        {tab === 'models' && <Group gap="xs" ml="auto">
          <Button component="a" variant="default" size="sm" leftSection={<IconDownload size={16} />} download
            href={exportUrl('aggregates', orgId, { from: bounds.from, to: bounds.to, interval: bounds.interval, groupBy: 'apiKey', apiKeyId, teamId, modelId, providerId, outcome })}>Export Totals</Button>
          <Button component="a" variant="default" size="sm" leftSection={<IconDownload size={16} />} download
            href={exportUrl('records', orgId, recordFilters)}>Export Records</Button>
        </Group>}
      </Group>}
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="lg">
          <Tabs.Tab value="models" leftSection={<IconCpu size={16} />}>Model calls</Tabs.Tab>
          <Tabs.Tab value="mcp" leftSection={<IconPlugConnected size={16} />}>MCP calls</Tabs.Tab>
          <Tabs.Tab value="chargeback" leftSection={<IconReceipt size={16} />}>Chargeback</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="models">
          <Stack gap="lg">
            {overview.error ? (
              <Alert color="red" variant="light" title="Could not load usage">
                <Group justify="space-between"><Text size="sm">{errorMessage(overview.error)}</Text><Button size="xs" variant="white" color="red" onClick={() => void overview.refetch()}>Retry</Button></Group>
              </Alert>
            ) : overview.isPending ? <Skeleton h={96} aria-label="Loading usage" /> : (
                <SimpleGrid cols={{ base: 2, md: 5 }}>
                  <Stat label="Requests" value={formatNumber(t?.requests ?? 0)} hint={t?.errors ? `${t.errors.toLocaleString('en-US')} failed (${(((t.errors / t.requests) * 100) || 0).toFixed(1)} %)` : 'none failed'} />
                  <Stat label="Cost" value={formatUsd(t?.costUsd ?? 0)} hint="from model pricing" />
                  <Stat label="Tokens" value={formatNumber((t?.inputTokens ?? 0) + (t?.outputTokens ?? 0))} hint={`${formatNumber(t?.inputTokens ?? 0)} in · ${formatNumber(t?.outputTokens ?? 0)} out`} />
                  <Stat label="Latency p50" value={formatMs(t?.latencyP50Ms)} hint="end to end" />
                  <Stat label="Latency p95" value={formatMs(t?.latencyP95Ms)} hint="end to end" />
                </SimpleGrid>
            )}
            {overview.data && <UsageCharts report={overview.data} />}
            <UsageBreakdown orgId={orgId} filters={filters} />
            {/* Records cannot be filtered by team or provider (they are raw rows, not rollups). */}
            <UsageRecords orgId={orgId} filters={recordFilters} keyName={keyName} modelNames={modelNames} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="mcp">
          <UsageMcp orgId={orgId} filters={filters} keyName={keyName} serverName={serverName} />
        </Tabs.Panel>
        <Tabs.Panel value="chargeback">
          <UsageChargeback orgId={orgId} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
