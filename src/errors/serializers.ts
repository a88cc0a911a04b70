import type { GatewayError } from './gateway-error.ts';

/** Which wire shape an error body takes, so each official SDK raises its normal error type. */
export type ErrorSurface = 'openai' | 'anthropic' | 'gemini' | 'admin' | 'mcp';

const OPENAI_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  413: 'invalid_request_error',
  429: 'rate_limit_error',
};

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'overloaded_error',
  504: 'api_error',
};

// Google's canonical status names (google.rpc.Code), used by the Gemini API error body.
const GEMINI_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function serializeError(surface: ErrorSurface, err: GatewayError): unknown {
  const { code, message, status, extra } = err;
  switch (surface) {
    case 'openai':
      return {
        error: {
          code,
          message,
          type: OPENAI_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'),
          param: (extra.param as string | undefined) ?? null,
          ...extra,
        },
      };
    case 'anthropic':
      // Anthropic's SDK reads body.error.type and body.error.message; `code` rides along.
      return {
        type: 'error',
        error: { type: ANTHROPIC_TYPES[status] ?? 'api_error', code, message, ...extra },
      };
    case 'gemini':
      return {
        error: {
          code: status,
          message,
          status: GEMINI_STATUS[status] ?? 'UNKNOWN',
          details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: code, domain: 'odock', metadata: stringify(extra) }],
        },
      };
    case 'admin':
    case 'mcp':
    default:
      return { error: { code, message, ...extra } };
  }
}

function stringify(extra: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(extra)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}
