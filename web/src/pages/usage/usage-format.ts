// Time buckets and durations on the Usage page; money as everywhere else in the console (issue 15,
// item 3: costs were shown as "$0.000000" in one place and "$0" in another).

// Money has one formatter for the whole console (lib/format.ts); the Usage page uses it too.
export { formatNanoUsd, formatUsd } from '../../lib/format.ts';

export const formatMs = (ms: number | null | undefined) => (ms === null || ms === undefined ? '—' : `${ms.toLocaleString('en-US')} ms`);

/** A bucket's label in the viewer's time zone, as fine as the interval. */
export function bucketLabel(iso: string, interval: 'minute' | 'hour' | 'day'): string {
  const d = new Date(iso);
  if (interval === 'day') return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  if (interval === 'hour') return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit' });
  return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}
