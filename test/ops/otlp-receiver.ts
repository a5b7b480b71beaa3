import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  attributes: Record<string, unknown>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpBody {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: OtlpValue }[] };
    scopeSpans?: {
      spans?: (Omit<OtlpSpan, 'attributes' | 'service'> & {
        attributes?: { key: string; value: OtlpValue }[];
      })[];
    }[];
  }[];
}

const valueOf = (v: OtlpValue) => v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue;

/**
 * An OpenTelemetry collector's OTLP/HTTP traces endpoint on 127.0.0.1, as far
 * as a test needs one: it records every body posted (JSON, as the exporter
 * sends it) and the spans in them.
 */
export async function startOtlpReceiver() {
  const bodies: string[] = [];
  const spans: OtlpSpan[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      bodies.push(text);
      if (req.url === '/v1/traces' && /json/.test(String(req.headers['content-type']))) {
        const body = JSON.parse(text) as OtlpBody;
        for (const rs of body.resourceSpans ?? []) {
          const service = String(
            valueOf(rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value ?? {}) ??
              '',
          );
          for (const ss of rs.scopeSpans ?? [])
            for (const s of ss.spans ?? [])
              spans.push({
                ...s,
                service,
                attributes: Object.fromEntries(
                  (s.attributes ?? []).map((a) => [a.key, valueOf(a.value)]),
                ),
              });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    spans,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
