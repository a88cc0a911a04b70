import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../../context.ts';
import { GatewayError } from '../../errors/index.ts';
import { verifyOrDummy } from '../../crypto/passwords.ts';
import type { OperatorTable } from '../../store/schema.ts';
import { operatorRepo, type OperatorRepo } from '../../store/repos/operator.repo.ts';
import { LoginThrottle, type ThrottleKeys } from './login-throttle.ts';
import { primaryLoginThrottle, type SharedLoginThrottle } from '../../cluster/cluster-worker.ts';

const throttles = new WeakMap<AppDeps, SharedLoginThrottle>();

/** One throttle per app: login, the forced password change and invitation acceptance share the counters. */
export function loginThrottle(deps: AppDeps): SharedLoginThrottle {
  let t = throttles.get(deps);
  if (!t) {
    // ODOCK_WORKERS in embedded mode: one set of counters, in the primary.
    t = primaryLoginThrottle(deps.config) ?? new LoginThrottle({
      maxFailures: deps.config.LOGIN_MAX_FAILURES,
      windowSeconds: deps.config.LOGIN_WINDOW_SECONDS,
      redis: deps.redis,
      redisPrefix: deps.config.REDIS_KEY_PREFIX,
      onRedisError: (err) => deps.logger.warn({ err: (err as Error)?.message }, 'login throttle: Redis unavailable, counting in process'),
    });
    throttles.set(deps, t);
  }
  return t;
}

export interface CredentialVerifierDeps {
  operators: Pick<OperatorRepo, 'findByEmail'>;
  throttle: Pick<LoginThrottle, 'retryAfter' | 'recordFailure' | 'recordSuccess'>;
}

/**
 * Checks an email and password the way login does: throttled per email and client IP, the same
 * scrypt work whether the email exists or not, one answer for an unknown email and a wrong password.
 * Answers the operator row; the caller decides what a correct password opens.
 */
export function createCredentialVerifier(deps: CredentialVerifierDeps) {
  return async (keys: ThrottleKeys, password: string): Promise<OperatorTable> => {
    const wait = await deps.throttle.retryAfter(keys);
    if (wait > 0) {
      throw new GatewayError('too_many_attempts', `Too many failed sign-in attempts: try again in ${wait} seconds`, { retry_after: wait }, { 'retry-after': String(wait) });
    }
    const op = await deps.operators.findByEmail(keys.email);
    const ok = await verifyOrDummy(password, op?.password_hash);
    if (!op || !ok) {
      await deps.throttle.recordFailure(keys);
      throw new GatewayError('unauthorized', 'Email or password is incorrect');
    }
    await deps.throttle.recordSuccess(keys);
    return op;
  };
}

export type CredentialVerifier = ReturnType<typeof createCredentialVerifier>;

/** The verifier of this app (its store and shared throttle). */
export const credentialVerifier = (deps: AppDeps): CredentialVerifier =>
  createCredentialVerifier({ operators: operatorRepo(deps.store.db), throttle: loginThrottle(deps) });

/** The client's IP as the throttle counts it (X-Forwarded-For believed from trusted proxies only). */
export const clientIpOf = (req: FastifyRequest): string | undefined =>
  req.server.deps.clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for']);
