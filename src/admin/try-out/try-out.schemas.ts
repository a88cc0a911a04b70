import { z } from 'zod';

const Failure = z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) });

/** What the two tests answer (for the OpenAPI document and the console's types). */
export const KeyTestResult = z.union([
  z.object({ ok: z.literal(true), latencyMs: z.number(), models: z.array(z.string()) }),
  Failure,
]);

export const McpTestResult = z.union([
  z.object({
    ok: z.literal(true), latencyMs: z.number(), serverName: z.string().nullable(),
    tools: z.array(z.object({ name: z.string(), description: z.string(), usable: z.boolean() })),
  }),
  Failure,
]);
