import { startAgent } from "@paddler/agent";
import { type RunningBalancer, startBalancer } from "@paddler/balancer";
import { createLogger } from "@paddler/logger";
import { startTracing, type Tracing } from "@paddler/tracing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readNdjson, waitUntil } from "../ndjson.js";
import { testDesiredState } from "../test-cluster.js";
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "../tracing/otlp-receiver.js";
import {
  type RecordedRequest,
  type RecordingUpstream,
  startRecordingUpstream,
} from "./recording-upstream.js";

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

function tracingTo(receiver: OtlpReceiver, serviceName: string): Tracing {
  return startTracing({
    serviceName,
    tracesUrl: `${receiver.endpoint}/v1/traces`,
    protocol: "http/json",
    headers: {},
    sampler: { name: "parentbased_always_on", ratio: 1 },
    resourceAttributes: {},
    scheduledDelayMillis: 50,
  });
}

// A traced balancer and a traced agent in front of an OpenAI-compatible server of our own that
// records each request's headers: every HTTP request the agent sends upstream carries a W3C
// `traceparent` naming the agent's span for that request, in the trace the balancer started.
describe("the agent's HTTP engines carry the trace context upstream", () => {
  let receiver: OtlpReceiver;
  let upstream: RecordingUpstream;
  let balancer: RunningBalancer;
  let tracings: Tracing[] = [];
  let close: () => Promise<void> = async () => {};

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    upstream = await startRecordingUpstream("rec-model");
    tracings = [tracingTo(receiver, "paddler-balancer"), tracingTo(receiver, "paddler-agent")];
    const logger = createLogger({ level: "error" });
    const local = { host: "127.0.0.1", port: 0 };
    balancer = await startBalancer({
      logger,
      config: {
        inferenceAddr: local,
        managementAddr: local,
        webAdminPanelAddr: null,
        compatOpenaiAddr: local,
        stateDatabase: "memory://",
        maxBufferedRequests: 10,
        bufferedRequestTimeoutMs: 30_000,
        inferenceItemTimeoutMs: 30_000,
        inferenceCorsAllowedHosts: [],
        managementCorsAllowedHosts: [],
        statsdPrefix: "paddler_",
      },
      tracer: tracings[0]?.tracer,
    });
    const put = await fetch(`http://${balancer.addresses.management}/api/v1/balancer_desired_state`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(
        testDesiredState({
          model: { LocalToAgent: "/models/rec-model.gguf" },
          use_chat_template_override: false,
          chat_template_override: null,
        }),
      ),
    });
    expect(put.status).toBe(204);
    const [host = "", port = "0"] = (balancer.addresses.management ?? "").split(":");
    const agent = await startAgent({
      config: {
        managementAddr: { host, port: Number(port) },
        name: "upstream-agent",
        slots: 2,
        threads: 1,
        engine: { kind: "OpenAIUpstream", url: upstream.rootUrl, apiKey: null },
      },
      logger,
      cacheDir: "/tmp",
      huggingFaceEndpoint: "http://127.0.0.1:9",
      shutdownGraceMs: 2000,
      tracer: tracings[1]?.tracer,
    });
    close = async () => {
      await agent.close();
      await balancer.close();
    };
    await waitUntil(async () => {
      const { agents } = (await (
        await fetch(`http://${balancer.addresses.management}/api/v1/agents`)
      ).json()) as {
        agents: { slots_total: number }[];
      };
      return agents.some((entry) => entry.slots_total === 2);
    }, 30_000);
  }, 60_000);

  afterAll(async () => {
    await close();
    await Promise.all(tracings.map((tracing) => tracing.shutdown()));
    await upstream?.close();
    await receiver?.close();
  });

  /** The upstream request's traceparent names the agent's request span, a child of the balancer's dispatch. */
  async function expectJoined(recorded: RecordedRequest, balancerSpanName: string, agentSpanName: string) {
    const match = traceparentPattern.exec(String(recorded.headers.traceparent));
    expect(match, `traceparent: ${String(recorded.headers.traceparent)}`).not.toBeNull();
    const [, traceId, parentSpanId] = match ?? [];
    await Promise.all(tracings.map((tracing) => tracing.forceFlush()));
    const inTrace = () => receiver.spans.filter((span) => span.traceId === traceId);
    const find = (service: string, name: string): ReceivedSpan | undefined =>
      inTrace().find((span) => span.service === service && span.name === name);
    await waitUntil(
      () =>
        find("paddler-balancer", balancerSpanName) !== undefined &&
        find("paddler-agent", agentSpanName) !== undefined,
      10_000,
    );
    const request = find("paddler-balancer", balancerSpanName);
    const dispatch = find("paddler-balancer", "dispatch");
    const agentSpan = find("paddler-agent", agentSpanName);
    // The balancer started this trace (no client traceparent), and the upstream continues the agent's span.
    expect(request?.parentSpanId).toBeNull();
    expect(agentSpan?.parentSpanId).toBe(dispatch?.spanId);
    expect(parentSpanId).toBe(agentSpan?.spanId);
  }

  it("on a translated request (native API → /v1/chat/completions upstream)", async () => {
    const before = upstream.requests.length;
    const response = await fetch(
      `http://${balancer.addresses.inference}/api/v1/continue_from_conversation_history`,
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          add_generation_prompt: true,
          conversation_history: [{ role: "user", content: "hi" }],
          enable_thinking: false,
          max_tokens: 4,
        }),
      },
    );
    expect(response.status).toBe(200);
    await readNdjson(response);
    const recorded = upstream.requests.slice(before).find((entry) => entry.path === "/v1/chat/completions");
    if (!recorded) throw new Error(`nothing reached the upstream: ${JSON.stringify(upstream.requests)}`);
    await expectJoined(
      recorded,
      "POST /api/v1/continue_from_conversation_history",
      "ContinueFromConversationHistory",
    );
  });

  it("on an OpenAI request forwarded as it came, replacing the client's own trace context", async () => {
    const before = upstream.requests.length;
    const response = await fetch(`http://${balancer.addresses.compatOpenai}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", tracestate: "client=1" },
      body: JSON.stringify({ model: "rec-model", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(200);
    await response.text();
    const recorded = upstream.requests.slice(before).find((entry) => entry.path === "/v1/chat/completions");
    if (!recorded) throw new Error(`nothing reached the upstream: ${JSON.stringify(upstream.requests)}`);
    expect(recorded.headers.tracestate).toBeUndefined();
    await expectJoined(recorded, "POST /v1/chat/completions", "ForwardHttp");
  });
});
