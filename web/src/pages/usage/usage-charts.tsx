// Traffic, latency, tokens and cost over time, from one ungrouped analytics series.
import { Card, SimpleGrid, Title } from '@mantine/core';
import { AreaChart, BarChart, LineChart } from '@mantine/charts';
import type { ReactNode } from 'react';
import type { Interval, Report, UsageMetrics } from './analytics-api.ts';
import { bucketLabel, formatUsd } from './usage-format.ts';

const STEP_MS: Record<Interval, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Every bucket of the range, empty ones included, so gaps in traffic show as gaps rather than vanish. */
export function fillBuckets<M extends { bucket: string }>(series: M[], from: string, to: string, interval: Interval, empty: Omit<M, 'bucket'>): M[] {
  const byBucket = new Map(series.map((s) => [s.bucket, s]));
  const out: M[] = [];
  for (let t = Date.parse(from); t < Date.parse(to) && out.length < 3000; t += STEP_MS[interval]) {
    const bucket = new Date(t).toISOString();
    out.push(byBucket.get(bucket) ?? ({ ...empty, bucket } as M));
  }
  return out;
}

const EMPTY: Omit<UsageMetrics, never> = { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0, latencyAvgMs: null, latencyP50Ms: null, latencyP95Ms: null };

export function UsageCharts({ report }: { report: Report<UsageMetrics> }) {
  const points = fillBuckets(report.series, report.from, report.to, report.interval, { ...EMPTY, group: null, groupName: null }).map((s) => ({
    label: bucketLabel(s.bucket, report.interval),
    // Succeeded + Failed = all requests: a failed call is counted once, in its own colour.
    Succeeded: s.requests - s.errors, Failed: s.errors,
    'p50 latency': s.latencyP50Ms, 'p95 latency': s.latencyP95Ms,
    'Input tokens': s.inputTokens, 'Output tokens': s.outputTokens, Cost: s.costUsd,
  }));
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }}>
      <ChartCard title="Requests">
        <BarChart h={200} data={points} dataKey="label" type="stacked" tickLine="none" gridAxis="x" withLegend legendProps={{ verticalAlign: 'bottom' }}
          series={[{ name: 'Succeeded', color: 'indigo.6' }, { name: 'Failed', color: 'red.5' }]} />
      </ChartCard>
      <ChartCard title="Latency (ms)">
        <LineChart h={200} data={points} dataKey="label" curveType="monotone" withDots={false} tickLine="none" gridAxis="x" connectNulls={false} withLegend legendProps={{ verticalAlign: 'bottom' }}
          series={[{ name: 'p50 latency', color: 'teal.6' }, { name: 'p95 latency', color: 'orange.6' }]} />
      </ChartCard>
      <ChartCard title="Tokens">
        <AreaChart h={200} data={points} dataKey="label" type="stacked" curveType="monotone" withDots={false} tickLine="none" gridAxis="x" withLegend legendProps={{ verticalAlign: 'bottom' }}
          series={[{ name: 'Input tokens', color: 'teal.6' }, { name: 'Output tokens', color: 'violet.6' }]} />
      </ChartCard>
      <ChartCard title="Cost (USD)">
        <AreaChart h={200} data={points} dataKey="label" curveType="monotone" withDots={false} tickLine="none" gridAxis="x" valueFormatter={formatUsd} yAxisProps={{ width: 78 }}
          series={[{ name: 'Cost', color: 'orange.6' }]} />
      </ChartCard>
    </SimpleGrid>
  );
}

export function ChartCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card withBorder radius="md" padding="md" aria-label={title} component="section">
      <Title order={5} mb="sm">{title}</Title>
      {children}
    </Card>
  );
}
