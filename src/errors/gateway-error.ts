import { ERROR_CODES, type ErrorCode } from './codes.ts';

/**
 * The one error type. Code throws `new GatewayError(code, message, extra)`; only the error
 * handler turns it into a response, through the serializer of the surface that was called.
 * `extra` holds safe, user-facing fields (param, scope, limit, retry_after, field, maskedKey…).
 * Never put a key, a hash, or an upstream URL with credentials into message or extra.
 */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'GatewayError';
    this.code = code;
    this.status = ERROR_CODES[code];
    this.extra = extra;
    this.headers = headers;
  }
}

export function isGatewayError(e: unknown): e is GatewayError {
  return e instanceof GatewayError;
}
