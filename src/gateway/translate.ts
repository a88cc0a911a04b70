/**
 * Ingress format × provider family, in one place and driven by the wire table (src/wire/wire-formats.ts):
 * when the provider speaks the very format the client spoke (OpenAI chat → an OpenAI-compatible
 * provider, Anthropic → Anthropic, Gemini → Gemini, OpenAI embeddings → OpenAI-compatible) the call
 * takes the fast path: the client's body with the model swapped, the upstream's answer and stream
 * bytes as they are. Every other pair goes ingress decode → canonical → upstream encode, and back.
 * The policy's output cap is applied here to whatever body goes upstream.
 */
import type { ChatResponse } from '../canonical/chat.types.ts';
import type {
  ChatIngress, ChatUpstream, ChatWireFormat, EmbeddingsIngress, EmbeddingsUpstream, EmbeddingsWireFormat, IngressFormat, StreamTranslator, TranslatedResponse, WireTarget,
} from '../wire/wire-format.ts';
import { ingressFormat, upstreamFormat } from '../wire/wire-formats.ts';
import { unsupported, type TranslateContext } from '../wire/translate-context.ts';
import type { Json } from '../wire/wire-guards.ts';
import { requestedOutputTokens } from '../wire/output-budget.ts';
import { TranslatingStream } from '../wire/translating-stream.ts';
import { providerAdapter, type Endpoint, type ProviderAdapter, type UpstreamTarget } from '../providers/index.ts';
import type { ProviderType } from '../providers/provider-types.ts';
import type { UpstreamCall } from '../upstream/upstream-call.ts';
import { SecretScrubber } from '../upstream/secret-scrub.ts';
import { ScrubbingStream } from './scrubbing-stream.ts';
import { upstreamBodyText } from './raw-body.ts';

export interface BuildCallOptions {
  stream: boolean;
  requestedModel: string;
  /** The client's request headers; only those the ingress format relays are read (Anthropic → Anthropic: `anthropic-beta`). */
  clientHeaders?: Record<string, string | string[] | undefined>;
  /** The smallest payload.max_tokens of the policy stack (PolicyHandle.maxTokensCap): the output budget
   *  sent upstream never exceeds it, and is set to it when the client named none. */
  maxOutputTokens?: number;
}

export interface TranslateOptions {
  requestedModel: string;
  /** openai-embeddings only: the client's `encoding_format` (float unless 'base64'), needed when
   *  a provider of another family answered. Pass the request body's value. */
  encodingFormat?: unknown;
  /** The client disabled parallel tool calls (see `singleToolCall`): only the first call is returned. */
  singleToolCall?: boolean;
}

export interface StreamOptions {
  requestedModel: string;
  /** openai-chat only: whether the client asked for `stream_options.include_usage`. The gateway
   *  always asks the upstream for usage; when this is false the usage-only chunk is withheld.
   *  Default true (forward it). */
  includeUsage?: boolean;
  /** gemini-generate only: the client called :streamGenerateContent without `alt=sse` and wants
   *  Gemini's JSON-array stream. Default false (SSE). */
  jsonArray?: boolean;
  /** As in TranslateOptions: only the first tool call is streamed. */
  singleToolCall?: boolean;
  /** openai-responses only: called with the response's output items when it completes. */
  onOutputItems?: (output: unknown[]) => void;
  /** The decrypted provider key used for the call: scrubbed from everything the upstream sends
   *  (relayed bytes, error events and the messages built from them). */
  secret?: string;
}

/** The two ends of a call: the client's format and the one the provider speaks. */
interface Pair<I, U> {
  ingress: I;
  upstream: U;
  provider: ProviderAdapter;
  /** The provider speaks the client's very format: relay instead of translating. */
  same: boolean;
}

function chatPair(format: IngressFormat, type: ProviderType): Pair<ChatIngress, ChatUpstream> {
  const client = ingressFormat(format) as ChatWireFormat;
  const provider = providerAdapter(type);
  const served = upstreamFormat(provider.family, 'chat');
  // Every family has an upstream chat format (checked when the table loads); chat formats all have an ingress side.
  return { ingress: client.ingress!, upstream: served.upstream!, provider, same: served === client };
}

function embeddingsPair(format: IngressFormat, type: ProviderType): Pair<EmbeddingsIngress, EmbeddingsUpstream | undefined> {
  const client = ingressFormat(format) as EmbeddingsWireFormat;
  const provider = providerAdapter(type);
  const served = upstreamFormat(provider.family, 'embeddings');
  return { ingress: client.ingress!, upstream: served?.upstream, provider, same: served === client };
}

/**
 * Whether the client turned parallel tool calls off (OpenAI `parallel_tool_calls: false`, Anthropic
 * `tool_choice.disable_parallel_tool_use`). Families that cannot say so upstream (Gemini) may still
 * answer with several calls; the gateway then keeps the first, as the client asked.
 */
export function singleToolCall(format: IngressFormat, body: Record<string, unknown>): boolean {
  const f = ingressFormat(format);
  return f.kind === 'chat' && f.ingress !== undefined && f.ingress.singleToolCall(body);
}

function wireTarget(t: UpstreamTarget): WireTarget {
  return { slug: t.slug, dialect: t.providerType, config: t.config };
}

/** `client`: the client's body, when `body` may be it unchanged (pass-through): its own bytes then go upstream. */
function call(endpoint: Endpoint, body: Json, stream: boolean, client?: Json): UpstreamCall {
  return { method: 'POST', url: endpoint.url, headers: endpoint.headers, body: upstreamBodyText(client, body), stream };
}

function relayedHeaders(names: readonly string[], h: BuildCallOptions['clientHeaders']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const v = h?.[name];
    const s = Array.isArray(v) ? v.join(',') : v;
    if (s) out[name] = s;
  }
  return out;
}

function buildEmbeddingsCall(format: IngressFormat, body: Json, t: UpstreamTarget, ctx: TranslateContext): UpstreamCall {
  const { ingress, upstream, provider, same } = embeddingsPair(format, t.providerType);
  const endpoint = provider.endpoints.embeddings;
  if (!upstream || !endpoint) unsupported(ctx, 'the embeddings endpoint', 'model');
  if (same) return call(endpoint(t), upstream.passThroughBody(body, wireTarget(t)), false, body);
  if (!upstream.encodeRequest) unsupported(ctx, 'the embeddings endpoint', 'model');
  return call(endpoint(t), upstream.encodeRequest(ingress.decodeRequest(body, ctx), wireTarget(t)), false);
}

/** The upstream call for a client body in `format`. Throws GatewayError('invalid_request', '… names the
 *  feature …') for what the target cannot express. */
export function buildUpstreamCall(format: IngressFormat, body: Json, t: UpstreamTarget, opts: BuildCallOptions): UpstreamCall {
  const ctx: TranslateContext = { peer: providerAdapter(t.providerType).peer };
  if (ingressFormat(format).kind === 'embeddings') return buildEmbeddingsCall(format, body, t, ctx);
  const { ingress, upstream, provider, same } = chatPair(format, t.providerType);
  const wt = wireTarget(t);
  const cap = opts.maxOutputTokens;
  // The policy's cap applies to the body that actually goes upstream, in the target's own field.
  const capped = (b: Json): Json => (cap === undefined ? b : upstream.capOutputTokens(b, cap, requestedOutputTokens(body) !== undefined, wt.dialect));
  if (same) {
    const endpoint = provider.endpoints.chat(t, opts.stream, relayedHeaders(upstream.relayedHeaders, opts.clientHeaders));
    return call(endpoint, capped(upstream.passThroughBody(body, wt, opts.stream)), opts.stream, body);
  }
  const req = ingress.decodeRequest(body, ctx);
  req.stream = opts.stream;
  return call(provider.endpoints.chat(t, opts.stream, {}), capped(upstream.encodeRequest(req, wt, ctx)), opts.stream);
}

/** The client's answer for an upstream JSON answer. Same-format answers come back as the very object
 *  given (routes may then send the upstream bytes as they are). */
export function translateResponse(format: IngressFormat, providerType: ProviderType, json: unknown, opts: TranslateOptions): TranslatedResponse {
  if (ingressFormat(format).kind === 'embeddings') {
    const { ingress, upstream, same } = embeddingsPair(format, providerType);
    // A call for a family without embeddings was refused when it was built.
    if (same) return { body: json, usage: upstream!.usageOf(json) };
    const r = upstream!.decodeResponse!(json);
    return { body: ingress.encodeResponse(r, opts.encodingFormat === 'base64' ? 'base64' : 'float', opts.requestedModel), usage: r.usage };
  }
  const { ingress, upstream, same } = chatPair(format, providerType);
  if (same) return { body: json, usage: upstream.usageOf(json) };
  const r: ChatResponse = upstream.decodeResponse(json);
  if (opts.singleToolCall) {
    let seen = false;
    r.content = r.content.filter((p) => p.type !== 'tool_call' || (!seen && (seen = true)));
  }
  return { body: ingress.encodeResponse(r, opts.requestedModel), usage: r.usage };
}

/** The stream relay or translator for an upstream stream, with the provider key scrubbed from it. */
export function createStreamTranslator(format: IngressFormat, providerType: ProviderType, opts: StreamOptions): StreamTranslator {
  const { ingress, upstream, provider, same } = chatPair(format, providerType);
  const inner = same
    ? upstream.passThroughStream({ ...opts, peer: provider.peer, dialect: providerType })
    : new TranslatingStream(upstream.streamDecoder(provider.peer), ingress.streamEncoder(opts), opts.singleToolCall === true);
  const scrubber = SecretScrubber.for(opts.secret);
  return scrubber ? new ScrubbingStream(inner, scrubber, !same) : inner;
}
