/** USD amounts cross the API as decimal strings and are kept as integer nano-USD (no float rounding). */
const DECIMAL = /^(\d{1,9})(?:\.(\d{1,9}))?$/;

/** '12.5' → 12_500_000_000. Null when the text is not a non-negative decimal with at most 9 places. */
export function parseUsd(text: string): number | null {
  const m = DECIMAL.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 1e9 + Number((m[2] ?? '').padEnd(9, '0'));
}

/** 12_500_000_000 → '12.50': at least cents, more places only when they are not zero. */
export function formatUsd(nano: number): string {
  const n = Math.round(nano);
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  const whole = Math.floor(abs / 1e9);
  const frac = String(abs % 1e9).padStart(9, '0').replace(/0+$/, '').padEnd(2, '0');
  return `${sign}${whole}.${frac}`;
}
