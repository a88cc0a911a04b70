import type { FastifyError } from 'fastify';
import { GatewayError, isGatewayError } from './gateway-error.ts';

/**
 * Recognises failures of a lower-level part (a database driver) and names them with a catalogued
 * code; `undefined` when the error is not one of its own.
 */
export type ErrorClassifier = (err: unknown) => GatewayError | undefined;

// Filled by the parts that own the failures (src/store registers its own when loaded), so this
// room stays at the bottom of the graph and imports nothing above it.
const classifiers: ErrorClassifier[] = [];

/** Adds a classifier, consulted in registration order; registering the same one again is a no-op. */
export function registerErrorClassifier(classify: ErrorClassifier): void {
  if (!classifiers.includes(classify)) classifiers.push(classify);
}

/** Maps any thrown value to a catalogued GatewayError; never exposes a stack or internal message. */
export function toGatewayError(err: unknown): GatewayError {
  if (isGatewayError(err)) return err;
  const e = err as FastifyError;
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GatewayError('payload_too_large', 'Request body is too large');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new GatewayError('invalid_request_body', 'Request body is not valid JSON');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GatewayError('invalid_request_body', 'Unsupported Content-Type; send application/json');
  }
  if (e instanceof SyntaxError || e?.statusCode === 400) return new GatewayError('invalid_request_body', 'Request body is not valid JSON');
  for (const classify of classifiers) {
    const ge = classify(err);
    if (ge) return ge;
  }
  return new GatewayError('internal_error', 'Internal error');
}
