import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import type { OtelConfig } from '../../config/sso-env.ts';
import { toGatewayError } from '../../errors/to-gateway-error.ts';
import { createBatchExporter, type FinishedSpan } from './otlp-exporter.ts';
import type { SpanAttributes, SpanHandle, Tracer } from './span-handle.ts';

// Set when this module is evaluated: a test checks it stays unset when no endpoint is configured.
(globalThis as Record<symbol, unknown>)[Symbol.for('odock.otlp-tracer.loaded')] = true;

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);
const nowNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));

/** The incoming W3C trace context, if valid (all-zero ids are invalid, per the recommendation). */
export function parseTraceparent(h: unknown): { traceId: string; spanId: string; sampled: boolean } | undefined {
  if (typeof h !== 'string') return undefined;
  const m = TRACEPARENT.exec(h.trim().toLowerCase());
  if (!m || m[1] === ZERO_TRACE || m[2] === ZERO_SPAN) return undefined;
  return { traceId: m[1]!, spanId: m[2]!, sampled: (parseInt(m[3]!, 16) & 1) === 1 };
}

type Sink = (s: FinishedSpan) => void;

class Span implements SpanHandle {
  readonly spanId = randomBytes(8).toString('hex');
  private readonly startNs = nowNs();
  private ended = false;
  private readonly attrs: SpanAttributes;

  constructor(private readonly sink: Sink, readonly traceId: string, readonly sampled: boolean, private readonly name: string,
    private readonly kind: 1 | 2 | 3, attrs: SpanAttributes | undefined, private readonly parentSpanId?: string) {
    this.attrs = { ...attrs };
  }

  get traceparent(): string {
    return `00-${this.traceId}-${this.spanId}-${this.sampled ? '01' : '00'}`;
  }

  /** The error code recorded so far, if any. */
  get errorType(): string | undefined {
    const v = this.attrs['error.type'];
    return typeof v === 'string' ? v : undefined;
  }

  setAttributes(a: SpanAttributes): void {
    if (!this.ended) Object.assign(this.attrs, a);
  }

  startChild(name: string, attrs?: SpanAttributes, kind: 'internal' | 'client' = 'internal'): SpanHandle {
    return new Span(this.sink, this.traceId, this.sampled, name, kind === 'client' ? 3 : 1, attrs, this.spanId);
  }

  end(errorCode?: string | null): void {
    if (this.ended) return;
    this.ended = true;
    if (errorCode) this.attrs['error.type'] = errorCode;
    // A parent that chose not to sample (flags 00) is followed: the context propagates, nothing is exported.
    if (!this.sampled) return;
    this.sink({
      traceId: this.traceId, spanId: this.spanId, parentSpanId: this.parentSpanId, name: this.name, kind: this.kind,
      startNs: this.startNs, endNs: nowNs(), attributes: this.attrs, status: errorCode ? 2 : 0,
    });
  }
}

const isGatewayPath = (url: string) => url.startsWith('/v1beta/') || (url.startsWith('/v1/') && !url.startsWith('/v1/health'));

/** A tracer exporting over OTLP/HTTP JSON: a server span per gateway request, children opened by the call path. */
export function createOtlpTracer(otel: OtelConfig, onExportError?: (err: string) => void): Tracer {
  const exporter = createBatchExporter(otel, onExportError);
  const sink: Sink = (s) => exporter.add(s);

  const serverSpan: Tracer['serverSpan'] = (req, res) => {
    const parent = parseTraceparent(req.headers.traceparent);
    const span = new Span(sink, parent?.traceId ?? randomBytes(16).toString('hex'), parent?.sampled ?? true, `${req.method} ${req.route}`, 2, {
      'http.request.method': req.method, 'http.route': req.route, 'url.path': req.path, 'odock.request_id': req.requestId,
    }, parent?.spanId);
    res.once('close', () => {
      const status = res.statusCode;
      span.setAttributes({ 'http.response.status_code': status });
      // HTTP server semantic conventions: a 4xx keeps its error.type (set by the call path or onError)
      // but leaves the span's status unset (the client's fault, not the server's); a 5xx is an error.
      if (status >= 400 && !span.errorType) span.setAttributes({ 'error.type': String(status) });
      span.end(status >= 500 ? span.errorType : undefined);
    });
    return span;
  };

  return {
    serverSpan,
    install(app: FastifyInstance): void {
      app.decorateRequest('span', undefined);
      app.addHook('onRequest', (req, reply, done) => {
        if (!isGatewayPath(req.url)) return done();
        // url.path without the query: Gemini's `?key=` must never reach an attribute.
        const path = req.url.split('?')[0]!;
        req.span = serverSpan({ method: req.method, route: req.routeOptions.url ?? path, path, requestId: req.id, headers: req.headers }, reply.raw);
        done();
      });
      app.addHook('onError', (req, _reply, err, done) => {
        req.span?.setAttributes({ 'error.type': toGatewayError(err).code });
        done();
      });
    },
    shutdown: () => exporter.shutdown(),
  };
}
