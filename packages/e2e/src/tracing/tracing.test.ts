import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type RunningBalancer, startBalancer } from "@paddler/balancer";
import { createLogger } from "@paddler/logger";
import { startTracing, type Tracing } from "@paddler/tracing";
import { afterEach, describe, expect, it } from "vitest";
import { contentText, readNdjson, waitUntil } from "../ndjson.js";
import { testDesiredState } from "../test-cluster.js";
import { repoRoot } from "../test-model.js";
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "./otlp-receiver.js";

const clientTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
const clientSpanId = "00f067aa0ba902b7";
const traceparent = `00-${clientTraceId}-${clientSpanId}-01`;

interface Cluster {
  balancer: RunningBalancer;
  balancerLines: Record<string, unknown>[];
  agentLines: Record<string, unknown>[];
  inferenceUrl: string;
  agent: ChildProcess;
}

/**
 * A real balancer in this process (its tracing SDK started here, as the CLI does) and a real agent
 * process started through the `paddler agent` command, whose tracing comes from OTEL_* variables
 * alone; both serve the real test model.
 */
async function startCluster(options: {
  balancerTracing: Tracing | null;
  agentEnv: Record<string, string>;
}): Promise<Cluster> {
  const balancerLines: Record<string, unknown>[] = [];
  const balancer = await startBalancer({
    logger: createLogger({
      level: "debug",
      write: (line) => balancerLines.push(JSON.parse(line) as Record<string, unknown>),
    }),
    config: {
      inferenceAddr: { host: "127.0.0.1", port: 0 },
      managementAddr: { host: "127.0.0.1", port: 0 },
      webAdminPanelAddr: null,
      compatOpenaiAddr: null,
      stateDatabase: "memory://",
      maxBufferedRequests: 10,
      bufferedRequestTimeoutMs: 30_000,
      inferenceItemTimeoutMs: 30_000,
      inferenceCorsAllowedHosts: [],
      managementCorsAllowedHosts: [],
      statsdPrefix: "paddler_",
    },
    tracer: options.balancerTracing?.tracer,
  });
  const managementUrl = `http://${balancer.addresses.management}`;
  const put = await fetch(`${managementUrl}/api/v1/balancer_desired_state`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(testDesiredState()),
  });
  expect(put.status).toBe(204);
  const cacheDir = await mkdtemp(join(tmpdir(), "h18t-tracing-"));
  const agent = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=@paddler/source",
      resolve(repoRoot, "apps/cli/src/main.ts"),
      "agent",
      `--management-addr=${balancer.addresses.management}`,
      "--slots=1",
      "--threads=1",
      "--name=traced-agent",
      "--log-level=debug",
      "--log-format=json",
      "--shutdown-grace-period=1000",
    ],
    {
      cwd: repoRoot,
      // Only what the agent needs, so OTEL_* variables of the machine running the tests stay out.
      env: { PATH: process.env.PATH ?? "", HOME: cacheDir, XDG_CACHE_HOME: cacheDir, ...options.agentEnv },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  const agentLines: Record<string, unknown>[] = [];
  let pending = "";
  agent.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      try {
        agentLines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        agentLines.push({ raw: line });
      }
    }
  });
  agent.once("exit", () => void rm(cacheDir, { recursive: true, force: true }));
  await waitUntil(async () => {
    const snapshot = (await (await fetch(`${managementUrl}/api/v1/agents`)).json()) as {
      agents: { slots_total: number }[];
    };
    return snapshot.agents.some((entry) => entry.slots_total === 1);
  }, 90_000);
  return {
    balancer,
    balancerLines,
    agentLines,
    inferenceUrl: `http://${balancer.addresses.inference}`,
    agent,
  };
}

async function stopAgent(agent: ChildProcess): Promise<number | null> {
  if (agent.exitCode !== null) return agent.exitCode;
  const exited = new Promise<number | null>((done) => agent.once("exit", (code) => done(code)));
  agent.kill("SIGTERM");
  return exited;
}

async function generate(cluster: Cluster, headers: Record<string, string>) {
  const response = await fetch(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Request-Id": "traced-1", ...headers },
    body: JSON.stringify({ raw_prompt: "Once upon a time", max_tokens: 12 }),
  });
  expect(response.status).toBe(200);
  return readNdjson(response);
}

function byName(spans: ReceivedSpan[], service: string, name: string): ReceivedSpan {
  const span = spans.find((candidate) => candidate.service === service && candidate.name === name);
  if (!span)
    throw new Error(`no ${service} span named ${name}: ${spans.map((s) => `${s.service}/${s.name}`)}`);
  return span;
}

describe("OpenTelemetry tracing across the balancer and a real agent process", () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it("exports balancer and agent spans in one trace, the agent's under the balancer's dispatch span", async () => {
    const receiver: OtlpReceiver = await startOtlpReceiver();
    cleanup.push(() => receiver.close());
    const balancerTracing = startTracing(
      {
        serviceName: "paddler-balancer",
        tracesUrl: `${receiver.endpoint}/v1/traces`,
        protocol: "http/json",
        headers: {},
        sampler: { name: "parentbased_always_on", ratio: 1 },
        resourceAttributes: {},
        scheduledDelayMillis: 50,
      },
      { version: "test" },
    );
    cleanup.push(() => balancerTracing.shutdown());
    const cluster = await startCluster({
      balancerTracing,
      agentEnv: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_BSP_SCHEDULE_DELAY: "50",
      },
    });
    cleanup.push(() => cluster.balancer.close());
    cleanup.push(() => stopAgent(cluster.agent));

    const messages = await generate(cluster, { traceparent, tracestate: "vendor=1" });
    expect(contentText(messages).length).toBeGreaterThan(0);
    expect(messages.at(-1)).toMatchObject({ Response: { response: { GeneratedToken: { Done: {} } } } });
    await balancerTracing.forceFlush();
    await waitUntil(
      () => receiver.spans.some((span) => span.service === "paddler-agent" && span.name === "generation"),
      30_000,
    );

    const spans = receiver.spans.filter((span) => span.traceId === clientTraceId);
    // The request span continues the client's trace.
    const request = byName(spans, "paddler-balancer", "POST /api/v1/continue_from_raw_prompt");
    expect(request.parentSpanId).toBe(clientSpanId);
    expect(request.kind).toBe(2); // server
    expect(request.attributes).toMatchObject({
      "paddler.request_id": "traced-1",
      "paddler.outcome": "completed",
      "gen_ai.usage.output_tokens": 12,
    });
    const bufferWait = byName(spans, "paddler-balancer", "buffer wait");
    expect(bufferWait.parentSpanId).toBe(request.spanId);
    const dispatch = byName(spans, "paddler-balancer", "dispatch");
    expect(dispatch.parentSpanId).toBe(request.spanId);
    expect(dispatch.attributes).toMatchObject({ "paddler.agent.name": "traced-agent", "paddler.attempt": 0 });
    expect(dispatch.events).toContain("first token");
    const stream = byName(spans, "paddler-balancer", "stream");
    expect(stream.parentSpanId).toBe(dispatch.spanId);

    // The agent, another process, continues the trace from the request frame's trace_context.
    const agentRequest = byName(spans, "paddler-agent", "ContinueFromRawPrompt");
    expect(agentRequest.parentSpanId).toBe(dispatch.spanId);
    expect(agentRequest.attributes).toMatchObject({
      "paddler.request_id": "traced-1",
      "gen_ai.usage.output_tokens": 12,
    });
    const prompt = byName(spans, "paddler-agent", "prompt processing");
    const generation = byName(spans, "paddler-agent", "generation");
    expect(prompt.parentSpanId).toBe(agentRequest.spanId);
    expect(generation.parentSpanId).toBe(agentRequest.spanId);
    expect(spans.every((span) => span.statusCode !== 2)).toBe(true);
    expect(receiver.rejected).toEqual([]);

    // The request's log lines carry the trace id on both sides.
    expect(
      cluster.balancerLines.some(
        (line) =>
          line.msg === "dispatched" && line.requestId === "traced-1" && line.trace_id === clientTraceId,
      ),
    ).toBe(true);
    expect(
      cluster.agentLines.some(
        (line) =>
          line.msg === "request received" && line.requestId === "traced-1" && line.trace_id === clientTraceId,
      ),
    ).toBe(true);
    expect(await stopAgent(cluster.agent)).toBe(0);
  }, 180_000);

  it("exports nothing and fails nothing when tracing is off", async () => {
    const receiver = await startOtlpReceiver();
    cleanup.push(() => receiver.close());
    const cluster = await startCluster({
      balancerTracing: null,
      // An endpoint is set, but OTEL_SDK_DISABLED wins.
      agentEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SDK_DISABLED: "true" },
    });
    cleanup.push(() => cluster.balancer.close());
    cleanup.push(() => stopAgent(cluster.agent));

    const messages = await generate(cluster, { traceparent });
    expect(messages.at(-1)).toMatchObject({ Response: { response: { GeneratedToken: { Done: {} } } } });
    // The agent exits cleanly (nothing left to export), and nothing ever reached the receiver.
    expect(await stopAgent(cluster.agent)).toBe(0);
    expect(receiver.spans).toEqual([]);
    expect(receiver.rejected).toEqual([]);
    expect(cluster.balancerLines.some((line) => "trace_id" in line)).toBe(false);
    expect(cluster.agentLines.some((line) => "trace_id" in line)).toBe(false);
    expect(cluster.agentLines.filter((line) => line.level === "error")).toEqual([]);
  }, 180_000);
});
