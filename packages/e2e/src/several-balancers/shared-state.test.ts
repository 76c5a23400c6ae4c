import { type RunningBalancer, startBalancer } from "@paddler/balancer";
import { createLogger } from "@paddler/logger";
import { type BalancerDesiredState, defaultBalancerDesiredState } from "@paddler/protocol";
import { startTestPostgres, type TestPostgres } from "@paddler/state-db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../ndjson.js";

// Two balancers in this process over one real PostgreSQL server of the test's own (no model needed).
let server: TestPostgres;
const balancers: RunningBalancer[] = [];
const logger = createLogger({ level: process.env.PADDLER_TEST_LOG === "1" ? "debug" : "error" });

async function start(): Promise<{ managementUrl: string }> {
  const local = { host: "127.0.0.1", port: 0 };
  const balancer = await startBalancer({
    logger,
    config: {
      inferenceAddr: local,
      managementAddr: local,
      webAdminPanelAddr: null,
      compatOpenaiAddr: null,
      stateDatabase: server.url,
      maxBufferedRequests: 30,
      bufferedRequestTimeoutMs: 20_000,
      inferenceItemTimeoutMs: 30_000,
      inferenceCorsAllowedHosts: [],
      managementCorsAllowedHosts: [],
      statsdPrefix: "paddler_",
    },
  });
  balancers.push(balancer);
  return { managementUrl: `http://${balancer.addresses.management}` };
}

function withTopK(topK: number): BalancerDesiredState {
  return {
    ...defaultBalancerDesiredState,
    inference_parameters: { ...defaultBalancerDesiredState.inference_parameters, top_k: topK },
  };
}

const put = (managementUrl: string, state: BalancerDesiredState) =>
  fetch(`${managementUrl}/api/v1/balancer_desired_state`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(state),
  });

async function topK(managementUrl: string): Promise<number> {
  const response = await fetch(`${managementUrl}/api/v1/balancer_desired_state`);
  return ((await response.json()) as BalancerDesiredState).inference_parameters.top_k;
}

beforeAll(async () => {
  server = await startTestPostgres();
}, 120_000);

afterAll(async () => {
  await Promise.all(balancers.map((balancer) => balancer.close({ gracePeriodMs: 0 })));
  await server?.close();
}, 120_000);

describe("several balancers over one PostgreSQL state database", () => {
  it("shows a change made through one balancer on the other; while the database is down both serve the last state and refuse changes with 503", async () => {
    const [a, b] = await Promise.all([start(), start()]);
    const startedAt = Date.now();
    expect((await put(a.managementUrl, withTopK(11))).status).toBe(204);
    await waitUntil(async () => (await topK(b.managementUrl)) === 11, 30_000);
    console.info(`desired state reached the other balancer after ${Date.now() - startedAt} ms`);
    expect(await (await fetch(`${b.managementUrl}/health`)).text()).toBe("OK");

    // Pools and fleet settings travel the same way.
    const created = await fetch(`${a.managementUrl}/api/v1/pools/chat/desired_state`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(withTopK(5)),
    });
    expect(created.status).toBeLessThan(300);
    await waitUntil(
      async () => (await fetch(`${b.managementUrl}/api/v1/pools/chat/desired_state`)).ok,
      30_000,
    );
    const settings = await (await fetch(`${a.managementUrl}/api/v1/fleet_settings`)).json();
    const stored = await fetch(`${a.managementUrl}/api/v1/fleet_settings`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...settings, aliases: { "my-model": "chat" } }),
    });
    expect(stored.status).toBeLessThan(300);
    await waitUntil(async () => {
      const seen = (await (await fetch(`${b.managementUrl}/api/v1/fleet_settings`)).json()) as {
        aliases: Record<string, string>;
      };
      return seen.aliases["my-model"] === "chat";
    }, 30_000);

    await server.stop();
    await waitUntil(
      async () =>
        (await fetch(`${a.managementUrl}/health`)).headers.get("content-type")?.includes("json") ?? false,
      30_000,
    );
    const health = await fetch(`${a.managementUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "degraded", state_database: { available: false } });
    const metrics = await (await fetch(`${a.managementUrl}/metrics`)).text();
    expect(metrics).toMatch(/^paddler_state_database_available 0$/m);
    const refused = await put(a.managementUrl, withTopK(12));
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: { code: "state_database_unavailable" } });
    expect(await topK(a.managementUrl)).toBe(11);
    expect(await topK(b.managementUrl)).toBe(11);

    await server.start();
    await waitUntil(async () => (await (await fetch(`${b.managementUrl}/health`)).text()) === "OK", 30_000);
    await waitUntil(async () => (await (await fetch(`${a.managementUrl}/health`)).text()) === "OK", 30_000);
    expect(await (await fetch(`${a.managementUrl}/metrics`)).text()).toMatch(
      /^paddler_state_database_available 1$/m,
    );
    expect((await put(b.managementUrl, withTopK(13))).status).toBe(204);
    await waitUntil(async () => (await topK(a.managementUrl)) === 13, 30_000);
  }, 180_000);
});
