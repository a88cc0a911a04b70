import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSpan {
  traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number;
  startTimeUnixNano: string; endTimeUnixNano: string; status?: { code?: number };
  attributes: Record<string, string | number | boolean>;
}

/** An OTLP/HTTP JSON trace receiver on 127.0.0.1: decodes every export and keeps the spans and the request headers. */
export async function startOtlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const exports: { path: string; headers: Record<string, unknown>; resource: Record<string, unknown> }[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    for (const rs of body.resourceSpans ?? []) {
      exports.push({ path: req.url ?? '', headers: req.headers, resource: flatten(rs.resource?.attributes) });
      for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) spans.push({ ...s, attributes: flatten(s.attributes) });
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans, exports,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function flatten(list: { key: string; value: Record<string, unknown> }[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    if ('stringValue' in value) out[key] = value.stringValue as string;
    else if ('intValue' in value) out[key] = Number(value.intValue);
    else if ('doubleValue' in value) out[key] = value.doubleValue as number;
    else if ('boolValue' in value) out[key] = value.boolValue as boolean;
  }
  return out;
}
