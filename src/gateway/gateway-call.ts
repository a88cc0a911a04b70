import { performance } from 'node:perf_hooks';
import type { GatewayCallRequest, GatewayReply } from './gateway-exchange.ts';
import type { AppDeps } from '../context.ts';
import { GatewayError, isGatewayError, serializeError } from '../errors/index.ts';
import { extractCredential } from '../auth/credentials.ts';
import type { ResolvedAuth } from '../auth/auth-entry.ts';
import { resolveModel } from '../access/model-access.ts';
import type { ModelRoute } from '../access/org-routes.ts';
import { mapUpstreamError } from '../providers/index.ts';
import type { Usage } from '../canonical/usage.types.ts';
import { scrubBody } from '../upstream/secret-scrub.ts';
import { ClientAbort, mapTransportError, readBody, type UpstreamClient } from '../upstream/client.ts';
import { ClientAbortController, type ClientSignal } from '../upstream/client-signal.ts';
import type { ByteBudget } from '../upstream/byte-budget.ts';
import { costNanoUsd } from '../usage/pricing.ts';
import { toGatewayError } from '../errors/to-gateway-error.ts';
import { toTokenUsage } from './policy-gate.ts';
import { admitCandidate, type Admission } from './admission.ts';
import { routingColumns, sendWithRouting, type AttemptState } from './attempts.ts';
import type { UpstreamCall } from '../upstream/upstream-call.ts';
import type { UpstreamResponse } from '../upstream/client.ts';
import { buildUpstreamCall, createStreamTranslator, translateResponse } from './translate.ts';
import type { GatewayRequest } from './gateway-request.ts';
import type { SpanHandle } from '../ops/tracing/span-handle.ts';
import { startUpstreamSpan, traceOutcome, traceRoute } from '../ops/tracing/gateway-spans.ts';

const MAX_UPSTREAM_BODY = 64 * 1024 * 1024;
const MAX_ERROR_BODY = 256 * 1024;
const ZERO: Usage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0 };
const NOT_ROUTED = { attempts: null, rerouted: 0 } as const;

export interface GatewayRuntime {
  deps: AppDeps;
  upstream: UpstreamClient;
  /** Memory for non-streamed upstream bodies, shared by all calls. */
  buffered: ByteBudget;
}

/**
 * The request path every model surface shares, in the order product.md gives: credentials →
 * key (cache, then store) → model and grant → policies → upstream → response → usage record.
 * Streams are piped chunk by chunk with backpressure; the client going away aborts the upstream.
 * `request` is the body as the route group parsed it (gateway-request.ts).
 */
export async function runGatewayCall(rt: GatewayRuntime, req: GatewayCallRequest, reply: GatewayReply, request: GatewayRequest): Promise<void> {
  const { deps } = rt;
  const t0 = performance.now();
  let auth: ResolvedAuth | undefined;
  let route: ModelRoute | undefined;
  let ticket: Admission | undefined;
  // Only a routed model (deployments or a rule) fills this; the unrouted path never allocates it.
  let routed: AttemptState | undefined;
  let usage: Usage = ZERO;
  let status = 200;
  let errorCode: string | null = null;
  let ttft: number | null = null;
  let releaseBuffered: (() => void) | undefined;
  let upstreamSpan: SpanHandle | undefined;
  const ac = new ClientAbortController();
  const onClose = () => {
    if (!reply.raw.writableFinished) ac.abort();
  };
  reply.raw.on('close', onClose);

  try {
    // Normally resolved by the route group's onRequest hook, before the body was read.
    auth = req.gatewayAuth?.auth ?? await deps.keyLookup.authenticate(extractCredential(req.headers, req.query, request.queryKey));
    const authed = auth;
    route = await resolveModel(deps.orgRoutes, auth, request.model);
    traceRoute(req.span, request.format, request.model, route);
    const r = request.hooks?.prepare ? await request.hooks.prepare(auth) : request;
    let call: UpstreamCall;
    let res: UpstreamResponse;
    if (route.routing === undefined) {
      ticket = await admitCandidate(deps, req, auth, route, r);
      call = buildUpstreamCall(r.format, r.body, {
        providerType: route.provider.type, baseUrl: route.provider.baseUrl, apiKey: route.secret(), slug: route.slug, config: route.provider.config,
      }, { stream: r.stream, requestedModel: route.name, clientHeaders: req.headers, maxOutputTokens: ticket.maxTokensCap });

      upstreamSpan = startUpstreamSpan(req.span, route, call.headers);
      res = await rt.upstream.send(auth.orgId, call, route.provider.timeoutMs, ac.signal);
      if (res.statusCode >= 400) {
        const text = (await readBody(res.body, MAX_ERROR_BODY).catch(() => Buffer.alloc(0))).toString('utf8');
        throw mapUpstreamError(route.provider.type, res.statusCode, res.headers, text, route.secret());
      }
    } else {
      // Deployments or a routing rule: the attempt loop (attempts.ts) picks the target actually called.
      routed = { attempts: [] };
      try {
        ({ call, res } = await sendWithRouting(rt, req, auth, route, r, ac.signal, routed));
      } finally {
        ticket = routed.admission;
        upstreamSpan = routed.span;
        if (routed.target) route = routed.target;
      }
    }

    if (!call.stream) {
      // A body cut off or stalled after its headers is the upstream's failure (502/504), not ours.
      const held = await rt.buffered.read(res.body, MAX_UPSTREAM_BODY).catch((e: unknown) => {
        throw mapTransportError(e, ac.signal);
      });
      releaseBuffered = held.release;
      // An upstream quoting the provider key (even in a success) must not hand it to the client.
      const raw = scrubBody(held.bytes, route.secret());
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new GatewayError('upstream_error', 'The upstream provider answered with a body that is not JSON');
      }
      const out = translateResponse(r.format, route.provider.type, parsed, { requestedModel: route.name, encodingFormat: r.encodingFormat, singleToolCall: r.singleToolCall });
      usage = out.usage;
      r.hooks?.onOutputItems?.(auth, (out.body as { output?: unknown }).output);
      ttft = performance.now() - t0;
      // Same-family answers come back as the very object parsed: send the upstream's bytes as they are.
      if (out.body === parsed) reply.type('application/json').send(raw);
      else reply.send(out.body);
      return;
    }

    // Streaming: from here on the gateway writes the raw response itself.
    const onOutputItems = r.hooks?.onOutputItems;
    const tx = createStreamTranslator(r.format, route.provider.type, {
      requestedModel: route.name, jsonArray: r.jsonArray, includeUsage: r.includeUsage, singleToolCall: r.singleToolCall, secret: route.secret(),
      onOutputItems: onOutputItems && ((output: unknown[]) => onOutputItems(authed, output)),
    });
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      'content-type': r.jsonArray ? 'application/json; charset=utf-8' : 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no',
    });
    try {
      for await (const chunk of res.body) {
        const bytes = tx.push(chunk as Buffer);
        if (ttft === null && tx.started) ttft = performance.now() - t0;
        // A slow reader pauses the upstream read instead of growing a buffer here.
        if (bytes && !out.write(bytes)) await drained(out, ac.signal);
      }
      const closing = tx.end();
      usage = tx.usage();
      out.end(closing);
    } catch (e) {
      usage = tx.usage();
      if (ac.signal.aborted) throw new ClientAbort();
      const ge = isGatewayError(e) ? e : mapTransportError(e, ac.signal);
      const g = isGatewayError(ge) ? ge : new GatewayError('upstream_error', 'The upstream stream failed');
      status = g.status;
      errorCode = g.code;
      deps.metrics.streamFailed(route?.provider.type ?? 'none', g.code);
      // The client sees an error event and no [DONE]: never a silent, truncated success.
      if (!out.destroyed) out.end(tx.fail(g.code, g.message));
      res.body.destroy();
    }
  } catch (e) {
    if (e instanceof ClientAbort || ac.signal.aborted) {
      status = 499;
      errorCode = 'client_disconnected';
      // Nobody is listening any more: release the socket instead of leaving the reply pending.
      if (!reply.sent) {
        reply.hijack();
        reply.raw.destroy();
      }
      return;
    }
    const ge = toGatewayError(e);
    status = ge.status;
    errorCode = ge.code;
    if (ge.status >= 500 && route) deps.metrics.upstreamError(route.provider.type, ge.code);
    if (reply.sent || reply.raw.headersSent) {
      if (!reply.raw.writableEnded) reply.raw.end();
      return;
    }
    reply.status(ge.status).headers(ge.headers).send(serializeError(request.errorSurface, ge));
  } finally {
    // The buffered bytes count until the client has them (a slow reader keeps them in memory).
    if (releaseBuffered) {
      if (!reply.sent || reply.raw.writableFinished || reply.raw.destroyed) releaseBuffered();
      else reply.raw.once('close', releaseBuffered);
    }
    reply.raw.off('close', onClose);
    const elapsed = performance.now() - t0;
    if (ticket) void (errorCode === null ? ticket.policy.complete(toTokenUsage(usage)) : ticket.policy.abort(toTokenUsage(usage)));
    if (status === 200 && reply.statusCode >= 400) status = reply.statusCode;
    upstreamSpan?.end(errorCode);
    traceOutcome(req.span, usage, status, errorCode, auth);
    deps.metrics.request(request.format, route?.provider.type ?? 'none', status, errorCode ?? 'ok', elapsed / 1000);
    const costNano = route ? costNanoUsd(route.pricing, usage) : 0;
    // A call that failed before the provider answered gives its reservation back; a stream cut
    // after its first byte is charged at least its reservation (budget-gate.ts); else what it used.
    if (ticket) void (ttft !== null || errorCode === null || usage.inputTokens + usage.outputTokens > 0 ? ticket.budget.settle(costNano, usage, errorCode !== null && ttft !== null) : ticket.budget.release());
    if (auth) {
      const rc = routed ? routingColumns(routed) : NOT_ROUTED;
      deps.usage.record({
        request_id: req.id, organisation_id: auth.orgId, team_id: auth.teamId, user_id: auth.userId, api_key_id: auth.keyId,
        provider_id: route?.provider.id ?? null, provider_type: route?.provider.type ?? null, model_id: route?.modelId ?? null,
        model_name: route?.name ?? (typeof request.model === 'string' ? request.model.slice(0, 200) : null), upstream_slug: route?.slug ?? null,
        surface: request.usageSurface ?? request.format, input_tokens: usage.inputTokens, output_tokens: usage.outputTokens, cached_tokens: usage.cachedTokens,
        reasoning_tokens: usage.reasoningTokens, cost_nano_usd: costNano,
        latency_ms: Math.round(elapsed), ttft_ms: ttft === null ? null : Math.round(ttft), status, error_code: errorCode, streamed: request.stream ? 1 : 0,
        attempts: rc.attempts, rerouted: rc.rerouted,
      });
    }
  }
}

function drained(out: NodeJS.WritableStream, signal: ClientSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      out.off('drain', done);
      signal.removeEventListener('abort', fail);
      resolve();
    };
    const fail = () => {
      out.off('drain', done);
      reject(new ClientAbort());
    };
    out.once('drain', done);
    signal.addEventListener('abort', fail, { once: true });
  });
}
