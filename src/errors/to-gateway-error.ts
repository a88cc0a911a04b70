import type { FastifyError } from 'fastify';
import { GatewayError, isGatewayError } from './gateway-error.ts';
import { isStoreUnavailable } from '../store/db.ts';

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
  // PostgreSQL refuses NUL in text ("invalid byte sequence", 22021; 22P05): the input's fault, not ours.
  if (e?.code === '22021' || e?.code === '22P05') return new GatewayError('invalid_request', 'Text contains a character that cannot be stored (NUL)');
  if (isStoreUnavailable(err)) return new GatewayError('store_unavailable', 'The database is unavailable; try again shortly');
  return new GatewayError('internal_error', 'Internal error');
}
