import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics. Labels are low-cardinality and never carry keys, hashes or URLs:
 * surface, provider type, status class, error code, cache tier.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'odock_requests_total', help: 'Gateway requests', labelNames: ['surface', 'provider', 'status', 'code'], registers: [this.registry] });
  private readonly latency = new Histogram({
    name: 'odock_request_duration_seconds', help: 'Gateway request latency (to last byte)', labelNames: ['surface', 'provider'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers: [this.registry],
  });
  private readonly upstreamErrors = new Counter({ name: 'odock_upstream_errors_total', help: 'Upstream failures', labelNames: ['provider', 'code'], registers: [this.registry] });
  private readonly cache = new Counter({ name: 'odock_auth_cache_total', help: 'Auth cache lookups by tier and result', labelNames: ['tier', 'result'], registers: [this.registry] });
  private readonly storeLookups = new Counter({ name: 'odock_auth_store_lookups_total', help: 'Auth lookups answered by the store', registers: [this.registry] });
  private readonly redisErrors = new Counter({ name: 'odock_redis_errors_total', help: 'Redis command failures (answered from the store instead)', registers: [this.registry] });
  // Aggregators: how ODOCK_WORKERS' primary combines the workers' values (counters and other gauges are summed).
  readonly redisUp = new Gauge({ name: 'odock_redis_up', help: '1 when Redis is reachable (or not configured)', registers: [this.registry], aggregator: 'min' });
  readonly storeUp = new Gauge({ name: 'odock_store_up', help: '1 when the database answered the last health check', registers: [this.registry], aggregator: 'min' });
  readonly rateLimitDegraded = new Gauge({ name: 'odock_rate_limit_degraded', help: '1 while rate-limit counters fall back from Redis', registers: [this.registry], aggregator: 'max' });
  readonly upstreamBuffered = new Gauge({ name: 'odock_upstream_buffered_bytes', help: 'Bytes of non-streamed upstream bodies held in memory now (MAX_BUFFERED_UPSTREAM_BYTES caps it)', registers: [this.registry] });
  readonly usagePending = new Gauge({ name: 'odock_usage_records_pending', help: 'Usage records waiting to be written', registers: [this.registry] });
  private readonly usageWritten = new Counter({ name: 'odock_usage_records_written_total', help: 'Usage records written', registers: [this.registry] });
  private readonly mcpRequests = new Counter({ name: 'odock_mcp_requests_total', help: 'MCP gateway requests', labelNames: ['method', 'status'], registers: [this.registry] });
  private readonly usageFlushFailures = new Counter({ name: 'odock_usage_flush_failures_total', help: 'Usage batch writes that failed (kept and retried)', registers: [this.registry] });
  private readonly usageDropped = new Counter({ name: 'odock_usage_records_dropped_total', help: 'Usage records dropped (refused by the database, or the queue full)', registers: [this.registry] });
  private readonly streamFailures = new Counter({ name: 'odock_stream_failures_total', help: 'Streams that failed after the response started (the client got an error event)', labelNames: ['provider', 'code'], registers: [this.registry] });
  private readonly auditWriteFailures = new Counter({ name: 'odock_audit_write_failures_total', help: 'Audit entries that could not be stored (logged instead)', registers: [this.registry] });
  private readonly policyRefusals = new Counter({ name: 'odock_policy_refusals_total', help: 'Requests refused by a policy', labelNames: ['code', 'scope'], registers: [this.registry] });

  constructor(defaults = true) {
    if (defaults) collectDefaultMetrics({ register: this.registry, prefix: 'odock_' });
    this.redisUp.set(1);
    this.storeUp.set(1);
  }

  // Labelled children are looked up once per label set: the hot path then only increments.
  private readonly requestChildren = new Map<string, { count: { inc(): void }; latency: { observe(v: number): void } }>();

  request(surface: string, provider: string, status: number, code: string, seconds: number) {
    const key = `${surface}|${provider}|${status}|${code}`;
    let c = this.requestChildren.get(key);
    if (!c) {
      c = { count: this.requests.labels(surface, provider, String(status), code), latency: this.latency.labels(surface, provider) };
      this.requestChildren.set(key, c);
    }
    c.count.inc();
    c.latency.observe(seconds);
  }
  upstreamError(provider: string, code: string) { this.upstreamErrors.inc({ provider, code }); }
  cacheHit(tier: 'l1' | 'l2') { this.cache.inc({ tier, result: 'hit' }); }
  cacheMiss(tier: 'l1' | 'l2') { this.cache.inc({ tier, result: 'miss' }); }
  storeLookup() { this.storeLookups.inc(); }
  redisError() { this.redisErrors.inc(); }
  usageRecordsWritten(n: number) { this.usageWritten.inc(n); }
  mcpRequest(method: string, status: number) { this.mcpRequests.inc({ method, status: String(status) }); }
  policyRefusal(code: string, scope: string) { this.policyRefusals.inc({ code, scope }); }
  auditWriteFailed() { this.auditWriteFailures.inc(); }
  usageFlushFailed() { this.usageFlushFailures.inc(); }
  usageRecordsDropped(n = 1) { this.usageDropped.inc(n); }
  streamFailed(provider: string, code: string) { this.streamFailures.inc({ provider, code }); }
}
