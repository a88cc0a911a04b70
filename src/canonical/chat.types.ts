/**
 * The canonical chat format every surface decodes into and every provider encodes from
 * (N surfaces + M providers = N + M translators). It holds what at least two wire families can
 * say; a feature one side cannot express is refused with a 400 naming it, never dropped.
 *
 * Usage semantics follow OpenAI's, because pricing is computed from them: `inputTokens` counts the
 * whole prompt including cached tokens; `outputTokens` counts the whole completion including
 * reasoning tokens; `cachedTokens` ⊂ input and `reasoningTokens` ⊂ output.
 */
import type { Usage } from './usage.types.ts';

export type { Usage };

export interface TextPart {
  type: 'text';
  text: string;
}

export type ImageSource =
  | { kind: 'url'; url: string; mediaType?: string }
  | { kind: 'base64'; mediaType: string; data: string };

export interface ImagePart {
  type: 'image';
  source: ImageSource;
}

/** A document (PDF…) given inline; only base64 data is portable across families. */
export interface FilePart {
  type: 'file';
  mediaType: string;
  data: string;
  filename?: string;
}

export interface ToolCallPart {
  type: 'tool_call';
  id: string;
  name: string;
  /** JSON text of the arguments object, exactly as produced. */
  arguments: string;
}

export interface ToolResultPart {
  type: 'tool_result';
  toolCallId: string;
  /** The called tool's name (Gemini's functionResponse needs it; decoders resolve it from history). */
  name: string;
  content: Array<TextPart | ImagePart>;
  isError?: boolean;
}

/** Model reasoning ("thinking"). `signature` is the provider's opaque proof, replayed only to its own family. */
export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  signature?: string;
  /** Anthropic redacted_thinking payload. */
  redacted?: string;
}

export type UserContent = TextPart | ImagePart | FilePart;
export type AssistantContent = TextPart | ToolCallPart | ReasoningPart;

export type Message =
  | { role: 'system'; content: TextPart[] }
  | { role: 'user'; content: UserContent[] }
  | { role: 'assistant'; content: AssistantContent[] }
  | { role: 'tool'; content: ToolResultPart[] };

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  strict?: boolean;
}

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  | { type: 'required' }
  | { type: 'tool'; name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json' }
  | { type: 'json_schema'; name?: string; description?: string; schema: Record<string, unknown>; strict?: boolean };

export type ReasoningEffort = 'minimal' | 'low' | 'medium' | 'high';

export interface ReasoningConfig {
  /** false: explicitly off. */
  enabled: boolean;
  effort?: ReasoningEffort;
  budgetTokens?: number;
  /** Whether the client wants the reasoning text back (Anthropic always sends it; Gemini on request). */
  includeThoughts?: boolean;
}

export interface ChatRequest {
  messages: Message[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  reasoning?: ReasoningConfig;
  /** End-user identifier for abuse monitoring (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string;
  stream: boolean;
}

/**
 * Why generation stopped. `stop_sequence` is kept apart from `stop` because Anthropic reports it
 * (with the sequence); OpenAI and Gemini fold it into their plain stop.
 */
export type FinishReason = 'stop' | 'stop_sequence' | 'length' | 'tool_calls' | 'content_filter' | 'other';

export interface ChatResponse {
  id: string;
  /** The upstream's model id; surfaces answer with the requested (Odock) name instead. */
  model: string;
  created: number;
  content: AssistantContent[];
  finishReason: FinishReason;
  stopSequence?: string | null;
  usage: Usage;
}

export type StreamEvent =
  | { type: 'start'; id: string; model: string; created: number; usage?: Partial<Usage> }
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'reasoning_signature'; signature: string }
  /** `index` counts tool calls from 0 within the response (OpenAI's `tool_calls[].index`). */
  | { type: 'tool_call_start'; index: number; id: string; name: string }
  | { type: 'tool_call_args'; index: number; delta: string }
  | { type: 'finish'; reason: FinishReason; stopSequence?: string | null; usage: Usage };

export interface EmbeddingsRequest {
  input: string[];
  dimensions?: number;
  encodingFormat: 'float' | 'base64';
  user?: string;
}

export interface EmbeddingsResponse {
  model: string;
  vectors: number[][];
  usage: Usage;
}

export const ZERO_USAGE: Usage = Object.freeze({ inputTokens: 0, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0 });
