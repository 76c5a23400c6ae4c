import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

/** One span as the receiver saw it, flattened from an OTLP/HTTP JSON export. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  events: string[];
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
}

const anyValueSchema: z.ZodType<unknown> = z.lazy(() =>
  z.looseObject({
    stringValue: z.string().optional(),
    intValue: z.union([z.string(), z.number()]).optional(),
    doubleValue: z.number().optional(),
    boolValue: z.boolean().optional(),
    arrayValue: z.looseObject({ values: z.array(anyValueSchema).optional() }).optional(),
  }),
);
const keyValueSchema = z.looseObject({ key: z.string(), value: anyValueSchema });
const exportRequestSchema = z.looseObject({
  resourceSpans: z.array(
    z.looseObject({
      resource: z.looseObject({ attributes: z.array(keyValueSchema).optional() }).optional(),
      scopeSpans: z.array(
        z.looseObject({
          spans: z.array(
            z.looseObject({
              traceId: z.string(),
              spanId: z.string(),
              parentSpanId: z.string().optional(),
              name: z.string(),
              kind: z.number().optional(),
              attributes: z.array(keyValueSchema).optional(),
              events: z.array(z.looseObject({ name: z.string() })).optional(),
              status: z.looseObject({ code: z.number().optional() }).optional(),
            }),
          ),
        }),
      ),
    }),
  ),
});

function plain(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const v = value as Record<string, unknown>;
  if ("stringValue" in v) return v.stringValue;
  if ("intValue" in v) return Number(v.intValue);
  if ("doubleValue" in v) return v.doubleValue;
  if ("boolValue" in v) return v.boolValue;
  if ("arrayValue" in v) {
    const array = v.arrayValue as { values?: unknown[] } | undefined;
    return (array?.values ?? []).map(plain);
  }
  return value;
}

function attributesOf(list: { key: string; value: unknown }[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, plain(value)]));
}

export interface OtlpReceiver {
  /** The OTLP base endpoint (OTEL_EXPORTER_OTLP_ENDPOINT); traces go to `${endpoint}/v1/traces`. */
  readonly endpoint: string;
  readonly spans: ReceivedSpan[];
  /** Export requests that were not OTLP JSON (a test expects none). */
  readonly rejected: string[];
  close(): Promise<void>;
}

/**
 * An in-process OTLP/HTTP collector for tests: takes JSON export requests (the SDK's
 * `http/json` protocol) on 127.0.0.1, port 0, and keeps every span it gets.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const rejected: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let parsed: z.infer<typeof exportRequestSchema> | null = null;
      try {
        const result = exportRequestSchema.safeParse(JSON.parse(body));
        if (result.success) parsed = result.data;
      } catch {
        // Not JSON: recorded below.
      }
      if (request.url !== "/v1/traces" || parsed === null) {
        rejected.push(`${request.method} ${request.url} ${request.headers["content-type"]}`);
        response.writeHead(400).end();
        return;
      }
      for (const resourceSpans of parsed.resourceSpans) {
        const service = String(attributesOf(resourceSpans.resource?.attributes)["service.name"]);
        for (const scope of resourceSpans.scopeSpans) {
          for (const span of scope.spans) {
            spans.push({
              service,
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ? span.parentSpanId : null,
              name: span.name,
              kind: span.kind ?? 0,
              attributes: attributesOf(span.attributes),
              events: (span.events ?? []).map((event) => event.name),
              statusCode: span.status?.code ?? 0,
            });
          }
        }
      }
      response.writeHead(200, { "Content-Type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    rejected,
    close: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}
