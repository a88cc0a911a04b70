// One way to show money and time buckets on the Usage page (issue 15, item 3: costs were shown as
// "$0.000000" in one place and "$0" in another).

/** USD: two decimals from a cent up, four below it, "< $0.0001" for dust, "$0.00" for nothing. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0.00';
  const abs = Math.abs(usd);
  if (abs < 0.0001) return usd < 0 ? '-< $0.0001' : '< $0.0001';
  const digits = abs < 0.01 ? 4 : 2;
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

export const formatNanoUsd = (nano: number) => formatUsd(nano / 1e9);

export const formatMs = (ms: number | null | undefined) => (ms === null || ms === undefined ? '—' : `${ms.toLocaleString('en-US')} ms`);

/** A bucket's label in the viewer's time zone, as fine as the interval. */
export function bucketLabel(iso: string, interval: 'minute' | 'hour' | 'day'): string {
  const d = new Date(iso);
  if (interval === 'day') return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  if (interval === 'hour') return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit' });
  return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}
