/**
 * THE table of wire formats. A new format is one entry here (and its folder under src/wire/); a
 * new provider family is its formats here plus its endpoint rules in src/providers/.
 * src/gateway/translate.ts composes any ingress format with any provider family from this table.
 */
import type { ChatWireFormat, EmbeddingsWireFormat, IngressFormat, WireFamily, WireFormat, WireFormatName } from './wire-format.ts';
import { openAIChatFormat, openAIEmbeddingsFormat, openAIResponsesFormat } from './openai/openai-formats.ts';
import { anthropicMessagesFormat } from './anthropic/anthropic-format.ts';
import { geminiEmbedFormat, geminiGenerateFormat } from './gemini/gemini-formats.ts';

export const WIRE_FORMATS: Readonly<Record<WireFormatName, WireFormat>> = {
  'openai-chat': openAIChatFormat,
  'openai-responses': openAIResponsesFormat,
  'openai-embeddings': openAIEmbeddingsFormat,
  'anthropic-messages': anthropicMessagesFormat,
  'gemini-generate': geminiGenerateFormat,
  'gemini-embed': geminiEmbedFormat,
};

/** The format a client speaks on an ingress route. */
export function ingressFormat(name: IngressFormat): WireFormat {
  return WIRE_FORMATS[name];
}

/** The format of `kind` a provider of `family` speaks upstream (undefined: the family has no such endpoint). */
export function upstreamFormat(family: WireFamily, kind: 'chat'): ChatWireFormat;
export function upstreamFormat(family: WireFamily, kind: 'embeddings'): EmbeddingsWireFormat | undefined;
export function upstreamFormat(family: WireFamily, kind: WireFormat['kind']): WireFormat | undefined {
  return UPSTREAM[kind].get(family);
}

const UPSTREAM = {
  chat: new Map<WireFamily, ChatWireFormat>(),
  embeddings: new Map<WireFamily, EmbeddingsWireFormat>(),
};
for (const f of Object.values(WIRE_FORMATS)) {
  if (!f.upstream) continue;
  // One upstream format per family and kind: two would make the choice ambiguous.
  if (UPSTREAM[f.kind].has(f.family)) throw new Error(`two upstream ${f.kind} formats for ${f.family}`);
  if (f.kind === 'chat') UPSTREAM.chat.set(f.family, f);
  else UPSTREAM.embeddings.set(f.family, f);
}
for (const family of ['openai', 'anthropic', 'gemini'] as const) {
  if (!UPSTREAM.chat.has(family)) throw new Error(`no upstream chat format for ${family}`);
}
