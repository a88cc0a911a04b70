import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';

/**
 * The tracing API the request path sees. Nothing here runs code: when no OTLP endpoint is set,
 * `req.span` is undefined and every call site is one `?.` (a constant-time no-op); the exporter
 * module (otlp-tracer.ts) is imported only when OTEL_EXPORTER_OTLP_ENDPOINT is set (index.ts).
 */
export type SpanAttributes = Record<string, string | number | boolean | null | undefined>;

export interface SpanHandle {
  /** W3C `traceparent` naming this span as the parent: sent upstream by client spans. */
  readonly traceparent: string;
  setAttributes(attrs: SpanAttributes): void;
  /**
   * A child span. Budget, routing and other steps call `req.span?.startChild('gateway.budget', {...})`
   * and `end()` it (see src/ops/README.md); kind `client` for calls leaving the process.
   */
  startChild(name: string, attrs?: SpanAttributes, kind?: 'internal' | 'client'): SpanHandle;
  /** Ends the span once (later calls are ignored); an error code marks it failed (`error.type`). */
  end(errorCode?: string | null): void;
}

export interface Tracer {
  /** Adds the hooks that open a server span per gateway request (/v1, /v1beta, MCP included). */
  install(app: FastifyInstance): void;
  /**
   * The server span of one gateway request (what install()'s hook opens; the node:http front of the
   * model routes calls it itself): child of an incoming `traceparent`, ended when `res` closes.
   */
  serverSpan(req: { method: string; route: string; path: string; requestId: string; headers: IncomingHttpHeaders }, res: ServerResponse): SpanHandle;
  /** Exports what is queued; called on shutdown. */
  shutdown(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The gateway call's server span; undefined when tracing is off. */
    span?: SpanHandle;
  }
}

/** Runs `work` inside a child span of `parent` (ended with the error code on failure); just `work` without a parent. */
export function inSpan<T>(parent: SpanHandle | undefined, name: string, work: () => Promise<T>): Promise<T> {
  // Not async itself: with tracing off this adds no promise to the call path.
  if (!parent) return work();
  return traced(parent.startChild(name), work);
}

async function traced<T>(span: SpanHandle, work: () => Promise<T>): Promise<T> {
  try {
    const out = await work();
    span.end();
    return out;
  } catch (e) {
    span.end((e as { code?: unknown }).code && typeof (e as { code: unknown }).code === 'string' ? (e as { code: string }).code : 'error');
    throw e;
  }
}
