import { SpanStatusCode } from "@opentelemetry/api";
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { createLogger } from "@paddler/logger";
import { defaultBalancerDesiredState } from "@paddler/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningBalancer, startBalancer } from "../start-balancer.js";
import { connectScriptedAgent, type ScriptedAgent } from "../testing/scripted-agent.js";

const local = { host: "127.0.0.1", port: 0 };
const clientTraceId = "5bf92f3577b34da6a3ce929d0e0e4736";
const clientSpanId = "10f067aa0ba902b7";

let balancer: RunningBalancer | null = null;
let agent: ScriptedAgent | null = null;

afterEach(async () => {
  agent?.terminate();
  agent = null;
  await balancer?.close();
  balancer = null;
});

/** A balancer traced into memory, its log lines kept, and one scripted agent whose slot the test frees. */
async function start() {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const lines: Record<string, unknown>[] = [];
  balancer = await startBalancer({
    logger: createLogger({
      level: "debug",
      write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    }),
    config: {
      inferenceAddr: local,
      managementAddr: local,
      webAdminPanelAddr: null,
      compatOpenaiAddr: local,
      stateDatabase: "memory://",
      maxBufferedRequests: 1,
      bufferedRequestTimeoutMs: 10_000,
      inferenceItemTimeoutMs: 30_000,
      inferenceCorsAllowedHosts: [],
      managementCorsAllowedHosts: [],
      statsdPrefix: "paddler_",
    },
    tracer: provider.getTracer("test"),
  });
  const requests: string[] = [];
  agent = await connectScriptedAgent({
    managementAddress: balancer.addresses.management ?? "",
    id: "traced",
    slots: 1,
    onRequest: (_agent, request) => requests.push(request.id),
  });
  const management = `http://${balancer.addresses.management}`;
  await waitUntil(
    async () =>
      ((await (await fetch(`${management}/api/v1/agents`)).json()) as { agents: unknown[] }).agents.length ===
      1,
  );
  return {
    spans: () => exporter.getFinishedSpans(),
    lines,
    requests,
    inference: `http://${balancer.addresses.inference}`,
    openai: `http://${balancer.addresses.compatOpenai}`,
    management,
  };
}

/** Ends a request on the scripted agent: one token, then done. */
function answer(scripted: ScriptedAgent, requestId: string) {
  scripted.send({
    Response: {
      generated_by: null,
      request_id: requestId,
      response: { GeneratedToken: { ContentToken: "hi" } },
    },
  });
  scripted.send({
    Response: {
      generated_by: null,
      request_id: requestId,
      response: {
        GeneratedToken: {
          Done: {
            usage: {
              prompt_tokens: 1,
              cached_prompt_tokens: 0,
              input_image_tokens: 0,
              input_audio_tokens: 0,
              content_tokens: 1,
              reasoning_tokens: 0,
              tool_call_tokens: 0,
              undeterminable_tokens: 0,
            },
          },
        },
      },
    },
  });
}

function generate(inference: string, requestId: string, headers: Record<string, string> = {}) {
  return fetch(`${inference}/api/v1/continue_from_raw_prompt`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Request-Id": requestId, ...headers },
    body: JSON.stringify({ raw_prompt: "Once upon a time", max_tokens: 5 }),
  });
}

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function waitForBuffered(management: string, count: number) {
  await waitUntil(
    async () =>
      (
        (await (await fetch(`${management}/api/v1/buffered_requests`)).json()) as {
          buffered_requests_current: number;
        }
      ).buffered_requests_current === count,
  );
}

/** The request span with this request id, and its children by name. */
function requestSpans(spans: ReadableSpan[], requestId: string) {
  const request = spans.find((span) => span.attributes["paddler.request_id"] === requestId);
  if (!request) throw new Error(`no span for ${requestId}: ${spans.map((span) => span.name)}`);
  const child = (name: string) =>
    spans.find(
      (span) => span.name === name && span.parentSpanContext?.spanId === request.spanContext().spanId,
    );
  return { request, child };
}

// Not after, within 2 ms: the SDK anchors each span's clock to Date.now() (whole milliseconds) when
// the span starts, so times of different spans can disagree by about a millisecond.
const spanClockSlackMs = 2;
const hrMs = ([seconds, nanos]: [number, number]) => seconds * 1000 + nanos / 1e6;
const isBefore = (a: [number, number], b: [number, number]) => hrMs(a) <= hrMs(b) + spanClockSlackMs;

describe("balancer request tracing", { timeout: 20_000 }, () => {
  it("a buffered request's buffer wait span lasts until a slot frees; an overflow ends its spans with the error status", async () => {
    const cluster = await start();
    const first = generate(cluster.inference, "holds-slot");
    await waitUntil(() => cluster.requests.length === 1);
    const waiting = generate(cluster.inference, "waits", {
      traceparent: `00-${clientTraceId}-${clientSpanId}-01`,
    });
    await waitForBuffered(cluster.management, 1);

    // The buffer holds one: a third request overflows at once (native NDJSON answers it in-band).
    const overflow = await generate(cluster.inference, "overflows");
    expect(await overflow.text()).toContain('"code":503');

    answer(agent as ScriptedAgent, "holds-slot");
    expect((await first).status).toBe(200);
    await (await first).text();
    await waitUntil(() => cluster.requests.length === 2);
    answer(agent as ScriptedAgent, cluster.requests[1] ?? "");
    const waited = await waiting;
    expect(waited.status).toBe(200);
    await waited.text();
    await waitUntil(() => cluster.spans().filter((span) => span.kind === 1).length === 3);
    const spans = cluster.spans();

    const holder = requestSpans(spans, "holds-slot");
    const waiter = requestSpans(spans, "waits");
    // The waiting request continues the client's trace; its wait ends only after the first request ended.
    expect(waiter.request.spanContext().traceId).toBe(clientTraceId);
    expect(waiter.request.parentSpanContext?.spanId).toBe(clientSpanId);
    const bufferWait = waiter.child("buffer wait");
    expect(bufferWait?.status.code).toBe(SpanStatusCode.UNSET);
    // It was still waiting when the overflow was refused, and when the holder's first token came.
    const refused = requestSpans(spans, "overflows");
    expect(isBefore(refused.request.endTime, bufferWait?.endTime ?? [0, 0])).toBe(true);
    const holderStream = spans.find(
      (span) => span.name === "stream" && span.spanContext().traceId === holder.request.spanContext().traceId,
    );
    expect(isBefore(holderStream?.startTime ?? [Infinity, 0], bufferWait?.endTime ?? [0, 0])).toBe(true);
    expect(isBefore(bufferWait?.endTime ?? [0, 0], waiter.child("dispatch")?.startTime ?? [0, 0])).toBe(true);
    expect(waiter.request.status.code).toBe(SpanStatusCode.UNSET);

    expect(refused.request.status.code).toBe(SpanStatusCode.ERROR);
    expect(refused.request.attributes["paddler.outcome"]).toBe("buffer_overflow");
    expect(refused.child("buffer wait")?.status.code).toBe(SpanStatusCode.ERROR);
    expect(refused.child("dispatch")).toBeUndefined();

    // Each request's log lines carry its trace id.
    for (const [requestId, span] of [
      ["waits", waiter.request],
      ["overflows", refused.request],
    ] as const) {
      const own = cluster.lines.filter((line) => line.requestId === requestId);
      expect(own.length, requestId).toBeGreaterThan(0);
      expect(own.every((line) => line.trace_id === span.spanContext().traceId)).toBe(true);
    }
  });

  it("a request for a model or pool nobody serves gets a request span ended with the error status", async () => {
    const cluster = await start();
    // A second pool: with the default pool alone, every model name goes there (as in Paddler).
    const created = await fetch(`${cluster.management}/api/v1/pools/chat/desired_state`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(defaultBalancerDesiredState),
    });
    expect(created.status).toBe(201);
    const unknownModel = await fetch(`${cluster.openai}/v1/chat/completions`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Request-Id": "no-model",
        traceparent: `00-${clientTraceId}-${clientSpanId}-01`,
      },
      body: JSON.stringify({ model: "nobody-serves-this", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(unknownModel.status).toBe(404);
    const unknownPool = await generate(cluster.inference, "no-pool", { "X-Paddler-Pool": "nowhere" });
    expect(unknownPool.status).toBe(404);

    const spans = cluster.spans();
    const model = requestSpans(spans, "no-model").request;
    expect(model.name).toBe("POST /v1/chat/completions");
    expect(model.parentSpanContext?.spanId).toBe(clientSpanId);
    expect(model.status.code).toBe(SpanStatusCode.ERROR);
    expect(model.attributes).toMatchObject({
      "paddler.outcome": "model_not_found",
      "http.response.status_code": 404,
    });
    const pool = requestSpans(spans, "no-pool").request;
    expect(pool.name).toBe("POST /api/v1/continue_from_raw_prompt");
    expect(pool.status.code).toBe(SpanStatusCode.ERROR);
    expect(pool.attributes["paddler.outcome"]).toBe("pool_not_found");
    // Refused before any slot was asked for: no buffer wait, no dispatch.
    expect(spans.filter((span) => span.name === "buffer wait" || span.name === "dispatch")).toEqual([]);
  });
});
