import type { OtelConfig } from '../../config/sso-env.ts';
import type { Tracer } from './span-handle.ts';

/**
 * The tracer, or undefined when no OTLP endpoint is configured. The exporter is a dynamic import:
 * without OTEL_EXPORTER_OTLP_ENDPOINT its module is never evaluated and no request pays for it.
 */
export async function loadTracer(otel: OtelConfig | undefined, onExportError?: (err: string) => void): Promise<Tracer | undefined> {
  if (!otel) return undefined;
  const { createOtlpTracer } = await import('./otlp-tracer.ts');
  return createOtlpTracer(otel, onExportError);
}
