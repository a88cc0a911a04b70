export { ERROR_CODES, type ErrorCode } from './codes.ts';
export { GatewayError, isGatewayError } from './gateway-error.ts';
export { serializeError, type ErrorSurface } from './serializers.ts';
