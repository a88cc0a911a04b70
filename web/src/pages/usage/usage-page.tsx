// Usage: filters (key, model, status, time range), totals and charts of requests, tokens and
// cost over time, and the records themselves paged on the server. MCP calls have their own tab.
import { Badge, Card, Group, Paper, Select, SimpleGrid, Stack, Tabs, Text, Title, Tooltip } from '@mantine/core';
import { AreaChart, BarChart } from '@mantine/charts';
import { IconChartBar, IconCpu, IconPlugConnected } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, fetchAll } from '../../api/endpoints.ts';
import type { McpUsageRecord, UsageRecord } from '../../api/types.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { PagedTable } from '../../components/paged-table.tsx';
import { useAllApiKeys } from '../../hooks/use-all-api-keys.ts';
import { usePagedQuery } from '../../hooks/use-paged-query.ts';
import { useOrgId } from '../../hooks/use-session.ts';
import { formatDateTime, formatNanoUsd, formatNumber, formatUsdAxis, PROVIDER_LABEL } from '../../lib/format.ts';
import { bucketize, isSuccess, RANGES, rangeBounds, type RangeValue } from './usage-range.ts';
import { AttemptsBadge } from './usage-attempts.tsx';

const CHART_CAP = 5000;

function StatusBadge({ status, errorCode }: { status: string | number; errorCode?: string | null }) {
  const ok = isSuccess(status);
  const badge = <Badge variant="light" color={ok ? 'teal' : 'red'} radius="sm">{String(status)}{errorCode ? ` · ${errorCode}` : ''}</Badge>;
  return badge;
}

export function UsagePage() {
  const orgId = useOrgId();
  const [range, setRange] = useState<RangeValue>('24h');
  const [apiKeyId, setApiKeyId] = useState<string | null>(null);
  const [modelId, setModelId] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [tab, setTab] = useState<string | null>('models');
  // Recomputed when the range changes, not on every render.
  const bounds = useMemo(() => rangeBounds(range), [range]); // eslint-disable-line react-hooks/exhaustive-deps

  const keys = useAllApiKeys(orgId);
  const models = useQuery({ queryKey: ['org', orgId, 'models', 'all'], queryFn: () => fetchAll((q) => api.listModels(orgId, q)) });
  const servers = useQuery({ queryKey: ['org', orgId, 'mcp-servers', 'all'], queryFn: () => fetchAll((q) => api.listMcpServers(orgId, q)), enabled: tab === 'mcp' });
  const keyName = new Map((keys.data?.items ?? []).map((k) => [k.id, k.name ?? k.maskedKey]));
  const modelNames = new Map((models.data?.items ?? []).map((m) => [m.id, m.name]));
  const serverName = new Map((servers.data?.items ?? []).map((x) => [x.id, x.name]));

  const filters = { apiKeyId, modelId, status, from: bounds.from, to: bounds.to };
  const paged = usePagedQuery(['org', orgId, 'usage'], (q) => api.listUsage(orgId, q), { filters });
  const chartData = useQuery({
    queryKey: ['org', orgId, 'usage', 'chart', JSON.stringify(filters)],
    queryFn: () => fetchAll((q) => api.listUsage(orgId, { ...filters, ...q }), CHART_CAP, 500),
  });
  const mcp = usePagedQuery(['org', orgId, 'usage', 'mcp'], (q) => api.listMcpUsage(orgId, q), { filters: { apiKeyId, status, from: bounds.from, to: bounds.to }, enabled: tab === 'mcp' });

  const records = chartData.data?.items ?? [];
  const points = useMemo(() => bucketize(records, bounds.fromMs, bounds.toMs, bounds.bucketMs), [records, bounds]);
  const totals = records.reduce((t, r) => ({
    requests: t.requests + 1, errors: t.errors + (isSuccess(r.status) ? 0 : 1), tokens: t.tokens + r.inputTokens + r.outputTokens,
    cost: t.cost + r.costNanoUsd, latency: t.latency + (r.latencyMs ?? 0),
  }), { requests: 0, errors: 0, tokens: 0, cost: 0, latency: 0 });

  return (
    <>
      <PageHeader title="Usage" description="Every gateway call, with tokens, cost, latency and outcome. Prompts and completions are never recorded." />
      <Group mb="lg" gap="sm" wrap="wrap">
        <Select aria-label="Time range" data={RANGES.map((r) => ({ value: r.value, label: r.label }))} value={range} onChange={(v) => v && setRange(v as RangeValue)} allowDeselect={false} w={{ base: '48%', sm: 170 }} />
        <Select aria-label="Filter by API key" placeholder="All API keys" searchable clearable value={apiKeyId} onChange={setApiKeyId} w={{ base: '48%', sm: 220 }}
          data={(keys.data?.items ?? []).map((k) => ({ value: k.id, label: k.name ?? k.maskedKey }))} />
        <Select aria-label="Filter by model" placeholder="All models" searchable clearable value={modelId} onChange={setModelId} w={{ base: '48%', sm: 200 }}
          data={(models.data?.items ?? []).map((m) => ({ value: m.id, label: m.name }))} disabled={tab === 'mcp'} />
        <Select aria-label="Filter by status" placeholder="Any status" clearable value={status} onChange={setStatus} w={{ base: '48%', sm: 150 }}
          data={[{ value: 'success', label: 'Succeeded' }, { value: 'error', label: 'Failed' }]} />
      </Group>
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="lg">
          <Tabs.Tab value="models" leftSection={<IconCpu size={16} />}>Model calls</Tabs.Tab>
          <Tabs.Tab value="mcp" leftSection={<IconPlugConnected size={16} />}>MCP calls</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="models">
          <Stack gap="lg">
            <SimpleGrid cols={{ base: 2, md: 4 }}>
              <Stat label="Requests" value={formatNumber(totals.requests)} hint={totals.errors ? `${totals.errors} failed` : 'none failed'} />
              <Stat label="Tokens" value={formatNumber(totals.tokens)} hint="input + output" />
              <Stat label="Cost" value={formatNanoUsd(totals.cost)} hint="from model pricing" />
              <Stat label="Avg latency" value={totals.requests ? `${Math.round(totals.latency / totals.requests)} ms` : '—'} hint="end to end" />
            </SimpleGrid>
            {chartData.data?.truncated && <Text size="xs" c="dimmed">Charts and totals cover the latest {CHART_CAP.toLocaleString()} records of this range.</Text>}
            <SimpleGrid cols={{ base: 1, lg: 3 }}>
              <ChartCard title="Requests">
                <BarChart h={200} data={points} dataKey="label" series={[{ name: 'Requests', color: 'indigo.6' }, { name: 'Errors', color: 'red.5' }]} type="stacked" withLegend={false} tickLine="none" gridAxis="x" />
              </ChartCard>
              <ChartCard title="Tokens">
                <AreaChart h={200} data={points} dataKey="label" series={[{ name: 'Input tokens', color: 'teal.6' }, { name: 'Output tokens', color: 'violet.6' }]} type="stacked" curveType="monotone" withDots={false} tickLine="none" gridAxis="x" />
              </ChartCard>
              <ChartCard title="Cost (USD)">
                <AreaChart h={200} data={points} dataKey="label" series={[{ name: 'Cost (USD)', color: 'orange.6' }]} curveType="monotone" withDots={false} tickLine="none" gridAxis="x" valueFormatter={formatUsdAxis} yAxisProps={{ width: 78 }} />
              </ChartCard>
            </SimpleGrid>
            <PagedTable<UsageRecord>
              label="Usage records"
              paged={paged}
              minWidth={980}
              empty={{ icon: <IconChartBar size={22} />, title: 'No usage in this range', description: 'Calls made with your virtual API keys appear here a moment after they finish.' }}
              columns={[
                { key: 'time', header: 'Time', render: (r) => <Tooltip label={r.requestId}><Text size="sm">{formatDateTime(r.createdAt)}</Text></Tooltip> },
                { key: 'key', header: 'API key', render: (r) => <Text size="sm">{r.apiKeyId ? keyName.get(r.apiKeyId) ?? 'Deleted key' : '—'}</Text> },
                { key: 'model', header: 'Model', render: (r) => <div><Text size="sm" fw={500}>{r.modelName ?? '—'}</Text><Text size="xs" c="dimmed">{r.providerType ? PROVIDER_LABEL[r.providerType] ?? r.providerType : ''}</Text></div> },
                { key: 'status', header: 'Status', render: (r) => <StatusBadge status={r.status} errorCode={r.errorCode} /> },
                { key: 'tokens', header: 'Tokens in / out', align: 'right', render: (r) => <Text size="sm">{formatNumber(r.inputTokens)} / {formatNumber(r.outputTokens)}</Text> },
                { key: 'cost', header: 'Cost', align: 'right', render: (r) => <Text size="sm">{formatNanoUsd(r.costNanoUsd)}</Text> },
                { key: 'latency', header: 'Latency', align: 'right', render: (r) => <Text size="sm">{r.latencyMs ?? '—'} ms{r.ttftMs ? <Text span size="xs" c="dimmed"> · TTFT {r.ttftMs}</Text> : null}</Text> },
                { key: 'stream', header: 'Stream', render: (r) => (r.streamed ? <Badge variant="outline" color="gray" size="sm">SSE</Badge> : null) },
                { key: 'route', header: 'Routing', render: (r) => <AttemptsBadge record={r} modelName={(id) => modelNames.get(id) ?? 'Deleted model'} /> },
              ]}
            />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="mcp">
          <PagedTable<McpUsageRecord>
            label="MCP usage records"
            paged={mcp}
            minWidth={860}
            empty={{ icon: <IconPlugConnected size={22} />, title: 'No MCP calls in this range' }}
            columns={[
              { key: 'time', header: 'Time', render: (r) => <Text size="sm">{formatDateTime(r.createdAt)}</Text> },
              { key: 'key', header: 'API key', render: (r) => <Text size="sm">{r.apiKeyId ? keyName.get(r.apiKeyId) ?? 'Deleted key' : '—'}</Text> },
              { key: 'server', header: 'Server', render: (r) => <Text size="sm">{r.mcpServerId ? serverName.get(r.mcpServerId) ?? 'Deleted server' : '—'}</Text> },
              { key: 'method', header: 'Method / tool', render: (r) => <Text size="sm" ff="monospace">{r.method ?? '—'}{r.tool ? ` · ${r.tool}` : ''}</Text> },
              { key: 'status', header: 'Status', render: (r) => <Group gap={4}><StatusBadge status={r.status} errorCode={r.errorCode} />{r.blocked && <Badge variant="outline" color="red" size="sm">blocked</Badge>}</Group> },
              { key: 'bytes', header: 'Bytes in / out', align: 'right', render: (r) => <Text size="sm">{formatNumber(r.bytesIn)} / {formatNumber(r.bytesOut)}</Text> },
              { key: 'latency', header: 'Latency', align: 'right', render: (r) => <Text size="sm">{r.latencyMs ?? '—'} ms</Text> },
            ]}
          />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function Stat({ label, value, hint }: { label: string; value: string; hint: string }) {
  return (
    <Paper withBorder radius="md" p="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>{label}</Text>
      <Text fz={24} fw={650} mt={4}>{value}</Text>
      <Text size="xs" c="dimmed">{hint}</Text>
    </Paper>
  );
}

function ChartCard({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Card withBorder radius="md" padding="md">
      <Title order={5} mb="sm">{title}</Title>
      {children}
    </Card>
  );
}
