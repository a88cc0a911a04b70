import type { Redis } from 'ioredis';
import { GatewayError } from '../../errors/index.ts';
import { MemoryCache } from '../../cache/memory-cache.ts';
import { isRedisReady } from '../../cache/redis-client.ts';
import type { SharedTextStore } from '../../cache/ttl-text-store.ts';

type Json = Record<string, unknown>;

/** Items larger than this are kept in Redis only (or not at all in embedded mode): L1 stays small. */
const MAX_L1_ITEM_CHARS = 64 * 1024;
/** How long a reference missing from the shared tier waits for a write racing it. */
const L2_RETRY_MS = 250;

/**
 * The output items the Responses surface issued (`msg_…`, `fc_…`), kept for `ttlMs` so that a
 * later `item_reference` to one of them resolves. The gateway keeps no conversation state, but
 * clients with `store` on (the Vercel AI SDK's default) refer to the previous turn's items by id
 * instead of resending them. Items are scoped to the key that received them; in Redis too when
 * configured, so a reference resolves on any instance. A Redis failure is a miss, never a 5xx.
 */
export class ResponseItemStore {
  private readonly l1 = new MemoryCache<string>(5_000);

  /** `shared`: cluster workers in embedded mode keep the items in the primary, so any worker resolves them. */
  constructor(private readonly o: { redis?: Redis; redisPrefix: string; ttlMs: number; shared?: SharedTextStore }) {}

  private ttlText(): string {
    const minutes = Math.round(this.o.ttlMs / 60_000);
    return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  }

  /** Remembers a response's output items; never delays or fails the response. */
  remember(keyId: string, output: unknown): void {
    if (!Array.isArray(output) || this.o.ttlMs <= 0) return;
    const redis = this.o.redis;
    const multi = redis && isRedisReady(redis) ? redis.multi() : undefined;
    const shared: Array<[string, string]> = [];
    for (const item of output) {
      if (typeof item !== 'object' || item === null || typeof (item as Json).id !== 'string') continue;
      const text = JSON.stringify(item);
      const k = this.key(keyId, (item as Json).id as string);
      if (text.length <= MAX_L1_ITEM_CHARS) this.l1.set(k, text, this.o.ttlMs);
      multi?.set(k, text, 'PX', this.o.ttlMs);
      if (this.o.shared) shared.push([k, text]);
    }
    void multi?.exec().catch(() => {});
    if (shared.length > 0) void this.o.shared!.set(shared, this.o.ttlMs).catch(() => {});
  }

  /**
   * The body with every `{type: 'item_reference', id}` in `input` replaced by the item it names,
   * or the body itself when it has none. An unknown reference is a 400 that says what to do.
   */
  async resolve(keyId: string, body: Json): Promise<Json> {
    const input = body.input;
    if (!Array.isArray(input)) return body;
    const refs: Array<{ index: number; id: string }> = [];
    input.forEach((it, index) => {
      if (typeof it === 'object' && it !== null && (it as Json).type === 'item_reference') {
        const id = (it as Json).id;
        if (typeof id !== 'string' || id.length === 0 || id.length > 200) {
          throw new GatewayError('invalid_request', `input[${index}].id must be the id of an earlier output item`, { param: `input[${index}].id` });
        }
        refs.push({ index, id });
      }
    });
    if (refs.length === 0) return body;

    const found = new Map<number, string>();
    const missing: typeof refs = [];
    for (const r of refs) {
      const text = this.l1.get(this.key(keyId, r.id));
      if (text === undefined) missing.push(r);
      else found.set(r.index, text);
    }
    const redis = this.o.redis;
    const l2 = redis && isRedisReady(redis) ? redis : this.o.shared;
    const readL2 = async () => {
      const still = refs.filter((r) => !found.has(r.index));
      if (still.length === 0 || !l2) return;
      const texts = await l2.mget(still.map((r) => this.key(keyId, r.id))).catch(() => [] as Array<string | null>);
      still.forEach((r, i) => {
        const t = texts[i];
        if (typeof t === 'string') found.set(r.index, t);
      });
    };
    if (missing.length > 0) {
      await readL2();
      // The instance or worker that answered writes its items without waiting (never delaying its
      // answer); a client quick enough to reach another one first may read before they land. An
      // unknown reference is an error anyway, so it is looked up once more after a moment.
      if (l2 && refs.some((r) => !found.has(r.index))) {
        await new Promise((r) => setTimeout(r, L2_RETRY_MS));
        await readL2();
      }
    }
    const unknown = refs.find((r) => !found.has(r.index));
    if (unknown) {
      throw new GatewayError('invalid_request',
        `input[${unknown.index}] refers to item ${JSON.stringify(unknown.id)}, which this gateway does not hold: it keeps the output items it answered ` +
        `for ${this.ttlText()}, for the key that received them. Send the item itself (for example with store: false on the client).`,
        { param: `input[${unknown.index}]` });
    }
    return { ...body, input: input.map((it, i) => (found.has(i) ? stripStatus(JSON.parse(found.get(i)!) as Json) : it)) };
  }

  private key(keyId: string, itemId: string): string {
    return `${this.o.redisPrefix}respitem:${keyId}:${itemId}`;
  }
}

/** An output item replayed as input: the same shape, without the output-only `status`. */
function stripStatus(item: Json): Json {
  const { status: _status, ...rest } = item;
  return rest;
}
