import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningAgent, startAgent } from "@paddler/agent";
import { createLogger } from "@paddler/logger";
import type { BalancerDesiredState } from "@paddler/protocol";
import { startTestPostgres, type TestPostgres } from "@paddler/state-db/testing";
import { afterAll, describe, expect, it } from "vitest";
import { type CliProcess, spawnPaddler } from "../hardening/cli-process.js";
import { postJson, readNdjson, waitUntil } from "../ndjson.js";
import { testDesiredState } from "../test-cluster.js";

// Three real balancers (`paddler balancer` processes) over one real PostgreSQL server of the
// test's own, and two real agents on the real model (in this process), each serving all three.
const SLOTS = 2;
const logger = createLogger({ level: process.env.PADDLER_TEST_LOG === "1" ? "debug" : "error" });
let server: TestPostgres | null = null;
const balancers: (CliProcess | null)[] = [];
const agents: RunningAgent[] = [];
let cacheDir = "";

afterAll(async () => {
  await Promise.all(agents.map((agent) => agent.close()));
  for (const balancer of balancers) balancer?.signal("SIGKILL");
  await Promise.all(balancers.map((balancer) => balancer?.exited));
  await server?.close();
  if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
}, 120_000);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

interface Ports {
  inference: number;
  management: number;
}

async function startBalancerProcess(ports: Ports, databaseUrl: string): Promise<CliProcess> {
  const balancer = spawnPaddler(
    [
      "balancer",
      `--inference-addr=127.0.0.1:${ports.inference}`,
      `--management-addr=127.0.0.1:${ports.management}`,
      "--buffered-request-timeout=120000",
      "--max-buffered-requests=100",
      "--log-level=info",
      "--log-format=json",
    ],
    { PADDLER_STATE_DATABASE: databaseUrl },
  );
  await balancer.waitForLog((line) => line.msg === "balancer started", 90_000);
  return balancer;
}

const managementUrl = (ports: Ports) => `http://127.0.0.1:${ports.management}`;
const inferenceUrl = (ports: Ports) => `http://127.0.0.1:${ports.inference}`;

async function agentsReady(ports: Ports): Promise<boolean> {
  try {
    const body = (await (await fetch(`${managementUrl(ports)}/api/v1/agents`)).json()) as {
      agents: { slots_total: number }[];
    };
    return body.agents.length === 2 && body.agents.every((agent) => agent.slots_total === SLOTS);
  } catch {
    return false;
  }
}

async function desiredTopK(ports: Ports): Promise<number | null> {
  try {
    const state = (await (
      await fetch(`${managementUrl(ports)}/api/v1/balancer_desired_state`)
    ).json()) as BalancerDesiredState;
    return state.inference_parameters.top_k;
  } catch {
    return null;
  }
}

interface LoadCounts {
  ok: number;
  failed: number;
  /** Failures while this balancer was known to be down (killed or restarting). */
  failedWhileDown: number;
}

describe("three balancers, one PostgreSQL, two shared agents", () => {
  it("survives a SIGKILLed balancer and a database restart under load, and never overbooks an agent", async () => {
    server = await startTestPostgres();
    const databaseUrl = server.url;
    const ports: Ports[] = [];
    for (let index = 0; index < 3; index++)
      ports.push({ inference: await freePort(), management: await freePort() });
    for (const port of ports) balancers.push(await startBalancerProcess(port, databaseUrl));
    const [first, second, third] = ports as [Ports, Ports, Ports];

    const initial = testDesiredState();
    const stored = await fetch(`${managementUrl(first)}/api/v1/balancer_desired_state`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(initial),
    });
    expect(stored.status).toBe(204);

    cacheDir = await mkdtemp(join(tmpdir(), "paddler-three-balancers-"));
    const managementAddrs = ports.map((port) => ({ host: "127.0.0.1", port: port.management }));
    for (const name of ["agent-1", "agent-2"]) {
      agents.push(
        await startAgent({
          config: {
            managementAddr: managementAddrs[0] ?? { host: "127.0.0.1", port: 0 },
            managementAddrs,
            name,
            slots: SLOTS,
            threads: 1,
          },
          logger: logger.child({ service: name }),
          cacheDir,
          shutdownGraceMs: 2000,
        }),
      );
    }
    for (const port of ports) await waitUntil(() => agentsReady(port), 120_000);

    // Counted at the agents, not trusted from the balancers.
    let mostRunning = 0;
    const watcher = setInterval(() => {
      for (const agent of agents) mostRunning = Math.max(mostRunning, agent.status.fields.slots_processing);
    }, 2);

    const down = [false, false, false];
    const counts: LoadCounts[] = ports.map(() => ({ ok: 0, failed: 0, failedWhileDown: 0 }));
    let loading = true;
    const loop = async (index: number) => {
      const port = ports[index] as Ports;
      const count = counts[index] as LoadCounts;
      while (loading) {
        const wasDown = down[index];
        try {
          const response = await postJson(`${inferenceUrl(port)}/api/v1/continue_from_raw_prompt`, {
            raw_prompt: "Once upon a time",
            max_tokens: 12,
          });
          const messages = await readNdjson(response);
          const last = messages.at(-1);
          // A generation that finished ends with Done.
          if (JSON.stringify(last).includes('"Done"')) count.ok++;
          else throw new Error(`unexpected end: ${JSON.stringify(last)}`);
        } catch (error) {
          if (wasDown || down[index]) {
            count.failedWhileDown++;
            await new Promise((resolve) => setTimeout(resolve, 50));
          } else {
            count.failed++;
            logger.error("request failed", { balancer: index, error });
          }
        }
      }
    };
    // Two clients per balancer: six requests for four slots, so agents fill and balancers buffer.
    const loops = [0, 0, 1, 1, 2, 2].map((index) => loop(index));
    const served = (minimum: number) => () => counts.every((count) => count.ok >= minimum);
    await waitUntil(served(3), 120_000);

    // A desired-state change through one balancer reaches the others and the agents (top_k: no reload).
    const changed = { ...initial, inference_parameters: { ...initial.inference_parameters, top_k: 7 } };
    const changedAt = Date.now();
    const put = await fetch(`${managementUrl(first)}/api/v1/balancer_desired_state`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(changed),
    });
    expect(put.status).toBe(204);
    const latencies: Record<string, number> = {};
    await Promise.all([
      ...[second, third].map(async (port, index) => {
        await waitUntil(async () => (await desiredTopK(port)) === 7, 30_000);
        latencies[`balancer-${index + 2}`] = Date.now() - changedAt;
      }),
      ...agents.map(async (agent, index) => {
        await waitUntil(() => agent.desiredState()?.inference_parameters.top_k === 7, 30_000);
        latencies[`agent-${index + 1}`] = Date.now() - changedAt;
      }),
    ]);
    console.info("desired-state change latency (ms) through PostgreSQL:", latencies);

    // SIGKILL the second balancer under load, then start it again on the same ports.
    down[1] = true;
    balancers[1]?.signal("SIGKILL");
    await balancers[1]?.exited;
    const before = counts.map((count) => count.ok);
    await waitUntil(
      () => (counts[0]?.ok ?? 0) >= (before[0] ?? 0) + 2 && (counts[2]?.ok ?? 0) >= (before[2] ?? 0) + 2,
      120_000,
    );
    balancers[1] = await startBalancerProcess(second, databaseUrl);
    await waitUntil(() => agentsReady(second), 60_000);
    // It catches up: it reads the changed state back from PostgreSQL.
    expect(await desiredTopK(second)).toBe(7);
    down[1] = false;
    const afterRestart = counts[1]?.ok ?? 0;
    await waitUntil(() => (counts[1]?.ok ?? 0) >= afterRestart + 3, 120_000);

    // Stop PostgreSQL under load: inference goes on, changes are refused with 503, and it comes back.
    await server.stop();
    await waitUntil(
      async () =>
        (await fetch(`${managementUrl(first)}/health`)).headers.get("content-type")?.includes("json") ??
        false,
      60_000,
    );
    const refused = await fetch(`${managementUrl(third)}/api/v1/balancer_desired_state`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(initial),
    });
    expect(refused.status).toBe(503);
    const duringOutage = counts.map((count) => count.ok);
    await waitUntil(
      () => counts.every((count, index) => count.ok >= (duringOutage[index] ?? 0) + 2),
      120_000,
    );
    await server.start();
    for (const port of ports)
      await waitUntil(
        async () => (await (await fetch(`${managementUrl(port)}/health`)).text()) === "OK",
        60_000,
      );
    const afterOutage = counts.map((count) => count.ok);
    await waitUntil(() => counts.every((count, index) => count.ok >= (afterOutage[index] ?? 0) + 2), 120_000);

    loading = false;
    await Promise.all(loops);
    clearInterval(watcher);

    let refusals = 0;
    for (const port of ports) {
      const metrics = await (await fetch(`${managementUrl(port)}/metrics`)).text();
      refusals += Number(/^paddler_agent_refusals_total (\d+)/m.exec(metrics)?.[1] ?? 0);
    }
    const total = counts.reduce((sum, count) => sum + count.ok, 0);
    console.info("three-balancer load:", {
      counts,
      mostRunningAtOneAgent: mostRunning,
      refusals,
      requests: total,
    });
    expect(counts.map((count) => count.failed)).toEqual([0, 0, 0]);
    expect(mostRunning).toBeLessThanOrEqual(SLOTS);
    expect(mostRunning).toBeGreaterThan(0);
  }, 600_000);
});
