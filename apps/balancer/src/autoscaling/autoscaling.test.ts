import { afterEach, describe, expect, it } from "vitest";
import type { RunningBalancer } from "../start-balancer.js";
import { connectScriptedAgent, type ScriptedAgent, statusSnapshot } from "../testing/scripted-agent.js";
import { startTestBalancer } from "../testing/start-test-balancer.js";
import type { AutoscalingReport } from "./autoscaling-signal.js";

let balancer: RunningBalancer | null = null;
const agents: ScriptedAgent[] = [];
const clients: AbortController[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.abort();
  for (const agent of agents.splice(0)) agent.terminate();
  await balancer?.close();
  balancer = null;
});

async function start() {
  const started = await startTestBalancer({
    bufferedRequestTimeoutMs: 60_000,
    inferenceItemTimeoutMs: 60_000,
    autoscalingScaleUpWaitMs: 60_000,
  });
  balancer = started.balancer;
  return started;
}

/** Sends a generation that stays open until the test ends (the scripted agent never answers). */
function sendHeldRequest(inference: string): void {
  const client = new AbortController();
  clients.push(client);
  fetch(`${inference}/api/v1/continue_from_raw_prompt`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ raw_prompt: "Once upon a time", max_tokens: 5 }),
    signal: client.signal,
  }).catch(() => undefined);
}

async function report(management: string): Promise<AutoscalingReport> {
  return (await (await fetch(`${management}/api/v1/autoscaling`)).json()) as AutoscalingReport;
}

async function defaultPoolWhen(
  management: string,
  check: (pool: AutoscalingReport["pools"][number]) => boolean,
): Promise<AutoscalingReport["pools"][number]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const pool = (await report(management)).pools.find((entry) => entry.pool === "default");
    if (pool && check(pool)) return pool;
    if (Date.now() > deadline) throw new Error(`autoscaling never matched: ${JSON.stringify(pool)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("GET /api/v1/autoscaling", () => {
  it("asks for no agent when idle, one for a waiting request, and more as busy slots and the buffer grow", async () => {
    const urls = await start();
    const idle = await report(urls.management);
    expect(idle.rule).toMatchObject({
      target_utilization: 0.8,
      slots_per_agent: 4,
      scale_up_wait_ms: 60_000,
    });
    expect(idle.rule.text).toMatch(/desired_agents = ceil/);
    expect(idle.pools).toEqual([expect.objectContaining({ pool: "default", agents: 0, desired_agents: 0 })]);

    // Scale from zero: a request waits in the buffer and asks for an agent.
    sendHeldRequest(urls.inference);
    await defaultPoolWhen(
      urls.management,
      (pool) => pool.buffered_requests === 1 && pool.desired_agents === 1,
    );

    // An agent with 2 slots takes it; three more arrive: 2 busy + 2 buffered over 2 × 0.8 → 3 agents.
    agents.push(await connectScriptedAgent({ managementAddress: urls.managementAddress, id: "a", slots: 2 }));
    for (let index = 0; index < 3; index++) sendHeldRequest(urls.inference);
    const busy = await defaultPoolWhen(
      urls.management,
      (pool) => pool.busy_slots === 2 && pool.buffered_requests === 2,
    );
    expect(busy).toMatchObject({ agents: 1, slots_total: 2, slots_per_agent: 2, desired_agents: 3 });
    const metrics = await (await fetch(`${urls.management}/metrics`)).text();
    expect(metrics).toMatch(/^paddler_autoscaling_desired_agents\{pool="default"\} 3$/m);
    expect(metrics).toMatch(/^paddler_autoscaling_busy_slots\{pool="default"\} 2$/m);
  });

  it("counts the slots an agent reports busy for other balancers", async () => {
    const urls = await start();
    const agent = await connectScriptedAgent({
      managementAddress: urls.managementAddress,
      id: "b",
      slots: 4,
    });
    agents.push(agent);
    await defaultPoolWhen(urls.management, (pool) => pool.slots_total === 4);
    // This balancer sent nothing; the agent runs 4 requests from others.
    agent.send({
      Notification: {
        UpdateAgentStatus: {
          slot_aggregated_status_snapshot: { ...statusSnapshot(4, 1000), slots_processing: 4 },
        },
      },
    });
    const pool = await defaultPoolWhen(urls.management, (entry) => entry.busy_slots === 4);
    // 4 / (4 × 0.8) = 1.25 → 2 agents.
    expect(pool.desired_agents).toBe(2);
  });
});
