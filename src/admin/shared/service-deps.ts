import type { InvalidationEvent } from '../../cache/invalidation-bus.ts';

/** Drops the cache entries a change affects, on every instance (AppDeps.invalidate). */
export type Invalidate = (e: InvalidationEvent) => Promise<void>;
