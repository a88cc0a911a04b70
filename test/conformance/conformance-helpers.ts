// Shared pieces of the conformance suite: fixture loading, golden files, and one upstream target
// per provider family member. Goldens are regenerated with UPDATE_GOLDEN=1 and then reviewed by
// hand against the providers' API references before being committed.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IngressFormat as Surface } from '../../src/wire/wire-format.ts';
import type { UpstreamTarget } from '../../src/providers/index.ts';
import type { ProviderFamily, ProviderType } from '../../src/providers/provider-types.ts';

const here = dirname(fileURLToPath(import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';

export const REQUESTED_MODEL = 'team-model';
export const PROVIDER_KEY = 'sk-test-provider-key-0001';

export const CHAT_SURFACES: Surface[] = ['openai-chat', 'openai-responses', 'anthropic-messages', 'gemini-generate'];
export const PROVIDERS: ProviderType[] = ['OPENAI', 'AZURE_OPENAI', 'MISTRAL', 'VLLM', 'ANTHROPIC', 'GOOGLE'];
export const FAMILIES: ProviderFamily[] = ['openai', 'anthropic', 'gemini'];
/** The provider type whose upstream fixtures stand for a family in response and stream tests. */
export const FAMILY_MEMBERS: Record<ProviderFamily, ProviderType[]> = {
  openai: ['OPENAI', 'AZURE_OPENAI', 'MISTRAL', 'VLLM'],
  anthropic: ['ANTHROPIC'],
  gemini: ['GOOGLE'],
};

export const TARGETS: Record<ProviderType, UpstreamTarget> = {
  OPENAI: { providerType: 'OPENAI', baseUrl: 'https://api.openai.com/v1', apiKey: PROVIDER_KEY, slug: 'gpt-4.1-mini', config: {} },
  AZURE_OPENAI: { providerType: 'AZURE_OPENAI', baseUrl: 'https://myres.openai.azure.com', apiKey: PROVIDER_KEY, slug: 'gpt-4o-prod', config: { apiVersion: '2024-10-21' } },
  MISTRAL: { providerType: 'MISTRAL', baseUrl: 'https://api.mistral.ai/v1', apiKey: PROVIDER_KEY, slug: 'mistral-large-latest', config: {} },
  VLLM: { providerType: 'VLLM', baseUrl: 'http://vllm.internal:8000/v1', apiKey: PROVIDER_KEY, slug: 'meta-llama/Llama-3.1-8B-Instruct', config: {} },
  CUSTOM: { providerType: 'CUSTOM', baseUrl: 'https://llm.example.com/v1', apiKey: PROVIDER_KEY, slug: 'custom-model', config: {} },
  ANTHROPIC: { providerType: 'ANTHROPIC', baseUrl: 'https://api.anthropic.com', apiKey: PROVIDER_KEY, slug: 'claude-sonnet-4-5', config: {} },
  GOOGLE: { providerType: 'GOOGLE', baseUrl: 'https://generativelanguage.googleapis.com', apiKey: PROVIDER_KEY, slug: 'gemini-2.5-flash', config: {} },
};

export function fixtureText(rel: string): string {
  return readFileSync(`${here}/fixtures/${rel}`, 'utf8');
}

export function fixtureJson<T = any>(rel: string): T {
  return JSON.parse(fixtureText(rel)) as T;
}

export function requestFixtures(surface: Surface): Record<string, Record<string, unknown>> {
  return fixtureJson(`requests/${surface}.json`);
}

/** Compares `actual` with the golden file, or writes it when UPDATE_GOLDEN=1. JSON values are compared structurally. */
export function golden(rel: string, actual: unknown): void {
  const path = `${here}/golden/${rel}`;
  const text = typeof actual === 'string' ? actual : JSON.stringify(actual, null, 2) + '\n';
  if (UPDATE) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return;
  }
  assert.ok(existsSync(path), `missing golden ${rel} (run with UPDATE_GOLDEN=1, then review it)`);
  const expected = readFileSync(path, 'utf8');
  if (typeof actual === 'string') assert.equal(actual, expected, rel);
  else assert.deepEqual(JSON.parse(text), JSON.parse(expected), rel);
}
