// Display formatting shared by the pages.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

export function formatRelative(iso: string | null | undefined): string {
  if (!iso) return 'Never';
  const d = new Date(iso).getTime();
  if (Number.isNaN(d)) return iso ?? '—';
  const s = Math.round((Date.now() - d) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return formatDateTime(iso);
}

/**
 * The one USD formatter of the console (costs, prices, spend): two decimals from a cent up
 * ("$0.00" for nothing, "$1.60", "$0.075"), two significant digits below a cent ("$0.0012"),
 * never a run of trailing zeros. Usage and analytics pages use it too.
 */
export function formatUsd(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || Number.isNaN(usd)) return '—';
  const sign = usd < 0 ? '-' : '';
  const abs = Math.abs(usd);
  if (abs === 0) return '$0.00';
  if (abs < 0.01) return `${sign}$${abs.toLocaleString('en-US', { maximumSignificantDigits: 2 })}`;
  return `${sign}$${abs.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: abs >= 1 ? 2 : 4 })}`;
}

/** Prices are USD per million tokens. */
export function formatPrice(usdPerMTok: number | null | undefined): string {
  return formatUsd(usdPerMTok);
}

/** Usage cost is stored as integer nano-USD. */
export function formatNanoUsd(nano: number | null | undefined): string {
  return nano === null || nano === undefined ? '—' : formatUsd(nano / 1e9);
}

/** A timestamp with the zone it is shown in, e.g. "Jun 30, 2031, 6:00 PM Europe/Paris" (expiries, rotations). */
export function formatDateTimeIn(iso: string | null | undefined, timeZone: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const tz = timeZone || 'UTC';
  try {
    return `${new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: tz }).format(d)} ${tz}`;
  } catch {
    return `${dateTime.format(d)} (${browserTimeZone()})`;
  }
}

/** Short USD for chart axes: enough decimals to tell small values apart. */
export function formatUsdAxis(usd: number): string {
  if (usd === 0) return '$0';
  const abs = Math.abs(usd);
  const digits = abs >= 1 ? 2 : Math.min(8, Math.ceil(-Math.log10(abs)) + 1);
  return `$${usd.toFixed(digits)}`;
}

export function formatNumber(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString();
}

export function formatContext(tokens: number | null | undefined): string {
  if (!tokens) return '—';
  if (tokens >= 1_000_000) return `${(tokens / 1_000_000).toLocaleString(undefined, { maximumFractionDigits: 1 })}M`;
  if (tokens >= 1000) return `${Math.round(tokens / 1000)}K`;
  return String(tokens);
}

export const API_KEY_TYPE_LABEL = { ORGANISATION: 'Organisation', TEAM: 'Team', USER: 'User' } as const;
/** The key types as Select options, in the order above. */
export const API_KEY_TYPE_OPTIONS = Object.entries(API_KEY_TYPE_LABEL).map(([value, label]) => ({ value, label }));

export const PROVIDER_LABEL: Record<string, string> = {
  OPENAI: 'OpenAI',
  ANTHROPIC: 'Anthropic',
  GOOGLE: 'Google Gemini',
  AZURE_OPENAI: 'Azure OpenAI',
  MISTRAL: 'Mistral',
  VLLM: 'OpenAI-compatible',
  CUSTOM: 'Custom',
};

/** `2026-05-01T09:30` style value for <input type="datetime-local"> from the API's local expiry. */
export function toDateTimeLocal(v: string | null | undefined): string {
  if (!v) return '';
  return v.slice(0, 16);
}

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function allTimeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

/** The wall-clock time now in a zone, as `YYYY-MM-DDTHH:mm` (compares as text with datetime-local values). */
export function nowInZone(timeZone: string): string {
  try {
    const parts = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date());
    const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
    return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
  } catch {
    return new Date().toISOString().slice(0, 16);
  }
}

/** A local expiry that is not after now in its zone (checked before the server is asked). */
export function isPastExpiry(local: string, timeZone: string): boolean {
  return !!local && local.replace(' ', 'T').slice(0, 16) <= nowInZone(timeZone);
}
