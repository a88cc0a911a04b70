import type { ClientSignal } from '../upstream/client-signal.ts';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import type { GatewayCallRequest } from './gateway-exchange.ts';
import type { ResolvedAuth } from '../auth/auth-entry.ts';
import type { ModelRoute } from '../access/org-routes.ts';
import { GatewayError, isGatewayError } from '../errors/index.ts';
import { mapUpstreamError } from '../providers/index.ts';
import { ClientAbort, mapTransportError, readBody, type UpstreamResponse } from '../upstream/client.ts';
import type { UpstreamCall } from '../upstream/upstream-call.ts';
import { applyCooldowns, cooldownKeys, planRoute } from '../routing/candidate-plan.ts';
import { backoffMs, classifyFailure, cooldownMs, coolsDown, shouldFailOver } from '../routing/failover.ts';
import { cooldownKey, type AttemptRecord, type SkippedTarget, type TargetRoute } from '../routing/routing.types.ts';
import { admitCandidate, type Admission } from './admission.ts';
import type { SpanHandle } from '../ops/tracing/span-handle.ts';
import { startUpstreamSpan } from '../ops/tracing/gateway-spans.ts';
import { buildUpstreamCall } from './translate.ts';
import type { GatewayRequest } from './gateway-request.ts';
import type { GatewayRuntime } from './gateway-call.ts';

const MAX_ERROR_BODY = 256 * 1024;

/** What the loop leaves for the caller, filled as it goes (so a failure still reports its attempts). */
export interface AttemptState {
  attempts: AttemptRecord[];
  /** The target of the last attempt (the one the usage record is attributed to). */
  target?: TargetRoute;
  /** The admission of the candidate currently held; the caller completes or aborts it. */
  admission?: Admission;
  /** The cooldown key of the plan's first choice (before cooldowns): attempts elsewhere mean rerouted. */
  firstChoice?: string;
  /** The trace span of the attempt that answered (ended by the caller with the call's outcome). */
  span?: SpanHandle;
}

export interface AttemptWinner {
  target: TargetRoute;
  admission: Admission;
  call: UpstreamCall;
  res: UpstreamResponse;
}

/** Why nothing could be tried: the first reason of the requested model, as the unrouted path would say it. */
function nothingToTry(route: ModelRoute, skipped: SkippedTarget[], now: number): GatewayError {
  const cooling = skipped.filter((s) => s.reason === 'cooling_down').map((s) => s.until!);
  if (cooling.length > 0) {
    const wait = Math.max(1, Math.ceil((Math.min(...cooling) - now) / 1000));
    return new GatewayError('upstream_unavailable', `Every deployment of model '${route.name}' is cooling down after upstream failures`, { retry_after: wait }, { 'retry-after': String(wait) });
  }
  const own = skipped.find((s) => s.modelId === route.modelId)?.reason;
  if (own === 'provider_disabled') return new GatewayError('provider_disabled', `The provider of model '${route.name}' is disabled`);
  if (own === 'provider_key_revoked') return new GatewayError('provider_api_key_revoked', `The provider key of model '${route.name}' has been revoked`);
  if (own === 'provider_key_missing') return new GatewayError('provider_api_key_not_configured', `Model '${route.name}' has no provider key configured`);
  return new GatewayError('upstream_unavailable', `No deployment of model '${route.name}' can be called now`);
}

const sleep = (ms: number, signal: ClientSignal) => new Promise<void>((resolve, reject) => {
  const t = setTimeout(() => {
    signal.removeEventListener('abort', stop);
    resolve();
  }, ms);
  const stop = () => {
    clearTimeout(t);
    reject(new ClientAbort());
  };
  signal.addEventListener('abort', stop, { once: true });
});

/**
 * The routed call: plan the candidates and deployments (routing/candidate-plan.ts), skip those
 * resting, then try them in order until one answers with a success status. A failure fails over
 * when the rule's failoverOn covers it and attempts remain; 429, 5xx and timeouts rest the
 * deployment on every instance. Returning means upstream headers with a success status arrived:
 * nothing has been sent to the client yet, so a stream never fails over after its first byte.
 */
export async function sendWithRouting(
  rt: GatewayRuntime, req: GatewayCallRequest, auth: ResolvedAuth, route: ModelRoute, r: GatewayRequest, signal: ClientSignal, state: AttemptState,
): Promise<AttemptWinner> {
  const { deps } = rt;
  const routing = deps.routing;
  const table = await deps.orgRoutes.get(auth.orgId);
  const rule = route.routing?.keyRules?.get(auth.keyId) ?? route.routing?.orgRule;
  const plan = planRoute({ route, modelsById: table.modelsById, keyId: auth.keyId, granted: auth.modelIdSet, rng: routing.rng, turn: rule?.strategy === 'ROUND_ROBIN' ? routing.nextTurn(rule.id) : 0 });
  state.firstChoice = plan.targets[0] && cooldownKey(plan.targets[0]);
  const now = Date.now();
  const { ready, skipped } = applyCooldowns(plan, await routing.cooldowns.coolingUntil(cooldownKeys(plan.targets), now), now);
  if (ready.length === 0) throw nothingToTry(route, skipped, now);

  const limit = Math.min(ready.length, plan.maxAttempts);
  let admittedModel: string | undefined;
  for (let i = 0; ; i++) {
    const target = ready[i];
    state.target = target;
    if (i > 0) {
      const wait = backoffMs(plan.retryDelayMs, i);
      if (wait > 0) await sleep(wait, signal);
    }
    // Admission is per candidate model: deployments of the same model share one.
    if (admittedModel !== target.modelId) {
      const previous = state.admission;
      state.admission = undefined;
      if (previous) await previous.release();
      state.admission = await admitCandidate(deps, req, auth, target, r);
      admittedModel = target.modelId;
    }
    const admission = state.admission!;
    const call = buildUpstreamCall(r.format, r.body, {
      providerType: target.provider.type, baseUrl: target.provider.baseUrl, apiKey: target.secret(), slug: target.slug, config: target.provider.config,
    }, { stream: r.stream, requestedModel: target.name, clientHeaders: req.headers, maxOutputTokens: admission.maxTokensCap });

    const t0 = performance.now();
    let err: GatewayError;
    let upstreamStatus: number | undefined;
    let retryAfter: string | undefined;
    const span = startUpstreamSpan(req.span, target, call.headers);
    span?.setAttributes({ 'odock.attempt': i + 1 });
    try {
      let res = await rt.upstream.send(auth.orgId, call, target.provider.timeoutMs, signal);
      // A stream that dies or stalls before its first byte can still fail over: nothing reached the client.
      if (res.statusCode < 400 && call.stream) res = await withFirstChunk(res);
      if (res.statusCode < 400) {
        state.attempts.push({ modelId: target.modelId, deploymentId: target.deploymentId, status: res.statusCode, errorCode: null, latencyMs: Math.round(performance.now() - t0) });
        routing.metrics.attempt(target.name, target.deploymentId, target.provider.type, 'ok');
        void routing.cooldowns.recordOutcome(cooldownKey(target), true, Date.now());
        state.span = span;
        return { target, admission, call, res };
      }
      upstreamStatus = res.statusCode;
      const h = res.headers['retry-after'];
      retryAfter = Array.isArray(h) ? h[0] : h;
      const text = (await readBody(res.body, MAX_ERROR_BODY).catch(() => Buffer.alloc(0))).toString('utf8');
      err = mapUpstreamError(target.provider.type, res.statusCode, res.headers, text, target.secret());
    } catch (e) {
      if (e instanceof ClientAbort || signal.aborted) {
        span?.end('client_disconnected');
        throw new ClientAbort();
      }
      const mapped = mapTransportError(e, signal);
      if (!isGatewayError(mapped)) {
        span?.end(null);
        throw mapped;
      }
      err = mapped;
    }
    span?.end(err.code);
    state.attempts.push({ modelId: target.modelId, deploymentId: target.deploymentId, status: err.status, errorCode: err.code, latencyMs: Math.round(performance.now() - t0) });
    routing.metrics.attempt(target.name, target.deploymentId, target.provider.type, err.code);
    const kind = classifyFailure(err, upstreamStatus);
    const at = Date.now();
    // A refusal of the request itself (400, 404…) says nothing about the deployment's health.
    if (coolsDown(kind)) void routing.cooldowns.recordOutcome(cooldownKey(target), false, at);
    if (coolsDown(kind)) await routing.cooldowns.coolDown(cooldownKey(target), at + cooldownMs(retryAfter, routing.defaultCooldownMs, at));
    if (i + 1 >= limit || !shouldFailOver(kind, plan.failoverOn)) throw err;
  }
}

/**
 * Waits for the first body chunk of a streamed success, then hands back the response with a body
 * that yields it and the rest. A failure before it (hang-up, no byte before the timeout, an empty
 * body) throws, so the attempt loop treats it like a failed call.
 */
async function withFirstChunk(res: UpstreamResponse): Promise<UpstreamResponse> {
  const it = (res.body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) throw new GatewayError('upstream_error', 'The upstream provider ended the stream before sending anything');
  async function* rest() {
    yield first.value;
    for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
  }
  const body = Readable.from(rest(), { objectMode: false });
  // Destroying the relay (client gone, stream failed) releases the upstream socket too.
  body.once('close', () => void it.return?.());
  return { ...res, body } as unknown as UpstreamResponse;
}

/** The usage record's routing columns: the attempts (JSON) and whether the call left the first choice. */
export function routingColumns(state: AttemptState): { attempts: string | null; rerouted: number } {
  const a = state.attempts;
  if (a.length === 0) return { attempts: null, rerouted: 0 };
  const rerouted = a.length > 1 || cooldownKey(a[0]) !== state.firstChoice;
  return { attempts: JSON.stringify(a), rerouted: rerouted ? 1 : 0 };
}
