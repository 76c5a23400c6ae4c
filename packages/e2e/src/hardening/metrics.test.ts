import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningAgent, startAgent } from "@paddler/agent";
import { type RunningBalancer, startBalancer } from "@paddler/balancer";
import { createLogger } from "@paddler/logger";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson, readNdjson, waitUntil } from "../ndjson.js";
import { testDesiredState } from "../test-cluster.js";
import { histogramCount, metricValue, scrapeMetrics } from "./scrape-metrics.js";

const balancerLines: Record<string, unknown>[] = [];
const agentLines: Record<string, unknown>[] = [];
const capture = (into: Record<string, unknown>[]) => (line: string) => {
  into.push(JSON.parse(line) as Record<string, unknown>);
};

let balancer: RunningBalancer;
let agent: RunningAgent;
let inferenceUrl: string;
let managementUrl: string;

beforeAll(async () => {
  const local = { host: "127.0.0.1", port: 0 };
  balancer = await startBalancer({
    logger: createLogger({ level: "debug", write: capture(balancerLines) }),
    config: {
      inferenceAddr: local,
      managementAddr: local,
      webAdminPanelAddr: null,
      compatOpenaiAddr: local,
      stateDatabase: "memory://",
      maxBufferedRequests: 1,
      bufferedRequestTimeoutMs: 20_000,
      inferenceItemTimeoutMs: 30_000,
      inferenceCorsAllowedHosts: [],
      managementCorsAllowedHosts: [],
      statsdPrefix: "lb_",
    },
  });
  inferenceUrl = `http://${balancer.addresses.inference}`;
  managementUrl = `http://${balancer.addresses.management}`;
  const put = await fetch(`${managementUrl}/api/v1/balancer_desired_state`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(testDesiredState()),
  });
  expect(put.status).toBe(204);
  const [host = "", port = "0"] = (balancer.addresses.management ?? "").split(":");
  agent = await startAgent({
    config: { managementAddr: { host, port: Number(port) }, name: "metered", slots: 1, threads: 1 },
    logger: createLogger({ level: "debug", write: capture(agentLines) }),
    cacheDir: await mkdtemp(join(tmpdir(), "paddler-metrics-")),
    shutdownGraceMs: 1000,
  });
  await waitUntil(async () => metricValue(await scrapeMetrics(managementUrl), "lb_slots_total") === 1);
});

afterAll(async () => {
  await agent.close();
  await balancer.close();
});

describe("/metrics", () => {
  it("serves Paddler's gauges under the prefix and our histograms and counters, changing as requests run", async () => {
    const before = await scrapeMetrics(managementUrl);
    expect(before.contentType).toContain("text/plain");
    const names = before.families.map((family) => family.name);
    for (const name of ["lb_slots_processing", "lb_slots_total", "lb_requests_buffered"])
      expect(before.families.find((family) => family.name === name)?.type).toBe("GAUGE");
    for (const name of [
      "lb_buffer_wait_seconds",
      "lb_time_to_first_token_seconds",
      "lb_time_between_tokens_seconds",
      "lb_request_duration_seconds",
    ])
      expect(before.families.find((family) => family.name === name)?.type).toBe("HISTOGRAM");
    expect(names).toEqual(
      expect.arrayContaining(["lb_requests_total", "lb_prompt_tokens_total", "lb_generated_tokens_total"]),
    );
    expect(metricValue(before, "lb_slots_processing")).toBe(0);

    // A long request holds the one slot: the gauge shows it, and a second request waits in the buffer.
    const abort = new AbortController();
    const long = await postJson(
      `${inferenceUrl}/api/v1/continue_from_raw_prompt`,
      { raw_prompt: "Once upon a time", max_tokens: 1500 },
      abort.signal,
    );
    const reader = long.body?.getReader();
    await reader?.read();
    const waiting = postJson(`${inferenceUrl}/api/v1/continue_from_raw_prompt`, {
      raw_prompt: "Lily",
      max_tokens: 4,
    });
    await waitUntil(
      async () => metricValue(await scrapeMetrics(managementUrl), "lb_requests_buffered") === 1,
    );
    const during = await scrapeMetrics(managementUrl);
    expect(metricValue(during, "lb_slots_processing")).toBe(1);
    // The buffer holds one: a third is refused at once, and counted so.
    const overflow = await readNdjson(
      await postJson(`${inferenceUrl}/api/v1/continue_from_raw_prompt`, { raw_prompt: "Tom", max_tokens: 4 }),
    );
    expect(overflow).toMatchObject([{ Error: { error: { code: 503 } } }]);
    abort.abort();
    await reader?.cancel().catch(() => {});
    await readNdjson(await waiting);
    for (let i = 0; i < 2; i++)
      await readNdjson(
        await postJson(`${inferenceUrl}/api/v1/continue_from_raw_prompt`, {
          raw_prompt: "Lily",
          max_tokens: 4,
        }),
      );

    await waitUntil(async () => {
      const families = await scrapeMetrics(managementUrl);
      return metricValue(families, "lb_requests_total", { outcome: "cancelled" }) === 1;
    });
    const after = await scrapeMetrics(managementUrl);
    expect(metricValue(after, "lb_slots_processing")).toBe(0);
    expect(metricValue(after, "lb_requests_buffered")).toBe(0);
    expect(metricValue(after, "lb_requests_total", { agent: "metered", outcome: "completed" })).toBe(3);
    expect(metricValue(after, "lb_requests_total", { agent: "metered", outcome: "cancelled" })).toBe(1);
    expect(metricValue(after, "lb_requests_total", { agent: "none", outcome: "buffer_overflow" })).toBe(1);
    expect(histogramCount(after, "lb_request_duration_seconds", { outcome: "completed" })).toBe(3);
    expect(histogramCount(after, "lb_buffer_wait_seconds", { pool: "default" })).toBe(4);
    expect(histogramCount(after, "lb_time_to_first_token_seconds", { agent: "metered" })).toBe(4);
    expect(histogramCount(after, "lb_time_between_tokens_seconds", { agent: "metered" })).toBeGreaterThan(3);
    expect(metricValue(after, "lb_prompt_tokens_total", { agent: "metered" })).toBeGreaterThan(0);
    expect(metricValue(after, "lb_generated_tokens_total", { agent: "metered" })).toBeGreaterThan(0);
  });
});

describe("request ids", () => {
  it("takes the client's X-Request-Id, returns it, and logs it on the balancer and the agent", async () => {
    const response = await fetch(`${inferenceUrl}/api/v1/continue_from_raw_prompt`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Request-Id": "trace-1234" },
      body: JSON.stringify({ raw_prompt: "Lily", max_tokens: 3 }),
    });
    expect(response.headers.get("x-request-id")).toBe("trace-1234");
    const messages = await readNdjson(response);
    expect(messages.at(-1)).toMatchObject({ Response: { request_id: "trace-1234" } });
    expect(
      balancerLines.some((line) => line.requestId === "trace-1234" && line.agentRequestId === "trace-1234"),
    ).toBe(true);
    await waitUntil(() => agentLines.some((line) => line.requestId === "trace-1234"));
  });

  it("follows an OpenAI request too", async () => {
    const response = await fetch(`http://${balancer.addresses.compatOpenai}/v1/chat/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Request-Id": "openai-trace-7" },
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "Hi" }], max_tokens: 3 }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("openai-trace-7");
    await response.json();
    expect(
      balancerLines.some((line) => line.requestId === "openai-trace-7" && line.msg === "dispatched"),
    ).toBe(true);
    await waitUntil(() => agentLines.some((line) => line.requestId === "openai-trace-7"));
  });

  it("replaces an unusable X-Request-Id with its own, and sets one on every answer, errors included", async () => {
    const response = await fetch(`${inferenceUrl}/api/v1/continue_from_raw_prompt`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Request-Id": "bad id\twith spaces" },
      body: "{",
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("x-request-id")).toMatch(/^[A-Za-z0-9_-]{21}$/);
  });

  it("never writes a secret to the logs", () => {
    expect(JSON.stringify(balancerLines)).not.toMatch(/Bearer|join-secret|access_token/i);
  });
});
