import type { OtelConfig } from '../../config/sso-env.ts';
import type { SpanAttributes } from './span-handle.ts';

/** A finished span, as queued for export. */
export interface FinishedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client. */
  kind: 1 | 2 | 3;
  startNs: bigint;
  endNs: bigint;
  attributes: SpanAttributes;
  /** OTLP status code: 0 unset, 2 error. */
  status: 0 | 2;
}

const MAX_QUEUE = 4096;
const BATCH = 512;
const INTERVAL_MS = 1000;
const TIMEOUT_MS = 10_000;

type AnyValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };

function anyValue(v: string | number | boolean): AnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  // OTLP/JSON carries 64-bit integers as strings (proto3 JSON mapping).
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

const attributeList = (attrs: SpanAttributes) =>
  Object.entries(attrs).filter((e): e is [string, string | number | boolean] => e[1] !== undefined && e[1] !== null).map(([key, v]) => ({ key, value: anyValue(v) }));

/** The OTLP/HTTP JSON body of one batch (opentelemetry-proto, ExportTraceServiceRequest). */
export function encodeBatch(spans: FinishedSpan[], serviceName: string): string {
  return JSON.stringify({
    resourceSpans: [{
      resource: { attributes: attributeList({ 'service.name': serviceName, 'telemetry.sdk.name': 'odock', 'telemetry.sdk.language': 'nodejs' }) },
      scopeSpans: [{
        scope: { name: 'odock.gateway' },
        spans: spans.map((s) => ({
          traceId: s.traceId, spanId: s.spanId, ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
          name: s.name, kind: s.kind, startTimeUnixNano: String(s.startNs), endTimeUnixNano: String(s.endNs),
          attributes: attributeList(s.attributes), status: { code: s.status },
        })),
      }],
    }],
  });
}

/**
 * Batches finished spans off the hot path: `add` only pushes to an array; a timer (unref'd) or a
 * full batch sends them with one POST at a time. A full queue drops spans (counted) rather than
 * growing; a failed export is dropped too (a tracing outage must not cost the gateway memory).
 */
export function createBatchExporter(otel: OtelConfig, onError?: (err: string) => void) {
  let queue: FinishedSpan[] = [];
  let inFlight: Promise<void> | undefined;
  let dropped = 0;
  const headers = { ...otel.headers, 'content-type': 'application/json' };

  const send = async (batch: FinishedSpan[]) => {
    try {
      const res = await fetch(otel.tracesEndpoint, { method: 'POST', headers, body: encodeBatch(batch, otel.serviceName), signal: AbortSignal.timeout(TIMEOUT_MS) });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) onError?.(`OTLP endpoint answered HTTP ${res.status}`);
    } catch (e) {
      onError?.(`OTLP export failed: ${(e as Error).message}`);
    }
  };

  const flush = async (): Promise<void> => {
    while (inFlight) await inFlight;
    if (queue.length === 0) return;
    const batch = queue.slice(0, BATCH);
    queue = queue.slice(batch.length);
    inFlight = send(batch).finally(() => { inFlight = undefined; });
    await inFlight;
    if (queue.length >= BATCH) await flush();
  };

  const timer = setInterval(() => void flush(), INTERVAL_MS);
  timer.unref();

  return {
    add(span: FinishedSpan): void {
      if (queue.length >= MAX_QUEUE) {
        dropped++;
        return;
      }
      queue.push(span);
      if (queue.length === BATCH && !inFlight) setImmediate(() => void flush());
    },
    get dropped() {
      return dropped;
    },
    flush,
    async shutdown(): Promise<void> {
      clearInterval(timer);
      await flush();
    },
  };
}
