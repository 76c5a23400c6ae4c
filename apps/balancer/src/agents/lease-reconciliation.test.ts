import { afterEach, describe, expect, it } from "vitest";
import type { RunningBalancer } from "../start-balancer.js";
import { connectScriptedAgent, type ScriptedAgent, statusSnapshot } from "../testing/scripted-agent.js";
import { startTestBalancer } from "../testing/start-test-balancer.js";

let balancer: RunningBalancer | null = null;
const agents: ScriptedAgent[] = [];
const timers: NodeJS.Timeout[] = [];

afterEach(async () => {
  for (const timer of timers.splice(0)) clearInterval(timer);
  for (const agent of agents.splice(0)) agent.terminate();
  await balancer?.close({ gracePeriodMs: 0 });
  balancer = null;
});

async function start(): Promise<RunningBalancer> {
  const { balancer } = await startTestBalancer({
    maxBufferedRequests: 10,
    bufferedRequestTimeoutMs: 30_000,
    inferenceItemTimeoutMs: 60_000,
  });
  return balancer;
}

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const drain = { slots_busy: 1, since_unix_ms: 1_700_000_000_000, deadline_unix_ms: 1_700_000_030_000 };

/** An agent that takes requests and never answers; it reports `running()` every 100 ms, as our agents do every second. */
async function silentAgent(
  running: () => string[] | null,
  draining: () => typeof drain | null = () => null,
  framesReceived?: () => number,
): Promise<ScriptedAgent> {
  const managementAddress = balancer?.addresses.management ?? "";
  const agent = await connectScriptedAgent({ managementAddress, id: "quiet", slots: 1 });
  agents.push(agent);
  let version = 10;
  timers.push(
    setInterval(() => {
      const ids = running();
      agent.send({
        Notification: {
          UpdateAgentStatus: {
            slot_aggregated_status_snapshot: statusSnapshot(1, ++version),
            ...(ids === null
              ? {}
              : {
                  agent_slots: {
                    running_request_ids: ids,
                    drain: draining(),
                    ...(framesReceived ? { frames_received: framesReceived() } : {}),
                  },
                }),
          },
        },
      });
    }, 100),
  );
  return agent;
}

const management = () => `http://${balancer?.addresses.management}`;
const busySlots = async () => {
  const { agents: list } = (await (await fetch(`${management()}/api/v1/agents`)).json()) as {
    agents: { slots_processing: number }[];
  };
  return list.reduce((sum, agent) => sum + agent.slots_processing, 0);
};
const healed = async (kind: string) => {
  const text = await (await fetch(`${management()}/metrics`)).text();
  const line = text
    .split("\n")
    .find((row) => row.startsWith(`paddler_slot_drift_healed_total{kind="${kind}"}`));
  return Number(line?.split(" ")[1] ?? 0);
};

function generate(): Promise<Response> {
  return fetch(`http://${balancer?.addresses.inference}/api/v1/continue_from_raw_prompt`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ raw_prompt: "x", max_tokens: 5 }),
  });
}

describe("leases reconciled with the agent's own report", () => {
  it("releases a lease the agent does not run, and the client gets a clear 502 in-band", async () => {
    balancer = await start();
    await silentAgent(() => []);
    await waitUntil(async () => (await busySlots()) === 0 && (await healed("lease_released")) === 0);
    const response = await generate();
    await waitUntil(async () => (await busySlots()) === 1);
    const body = await response.text();
    expect(body).toContain("The agent is not running this request any more");
    expect(await busySlots()).toBe(0);
    expect(await healed("lease_released")).toBe(1);
  });

  it("stops on the agent a request nobody at the balancer waits for", async () => {
    balancer = await start();
    const agent = await silentAgent(() => ["ghost"]);
    const stop = await agent.waitFor(
      (message) => "Notification" in message && JSON.stringify(message).includes("StopRespondingTo"),
    );
    expect(stop).toEqual({ Notification: { StopRespondingTo: "ghost" } });
    expect(await healed("agent_request_cancelled")).toBeGreaterThanOrEqual(1);
  });

  it("keeps the lease of a request the agent reports running", async () => {
    balancer = await start();
    let running: string[] = [];
    const agent = await silentAgent(() => running);
    const pending = generate();
    const request = await agent.waitFor((message) => "Request" in message);
    if (!("Request" in request)) throw new Error("no request");
    running = [request.Request.id];
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(await busySlots()).toBe(1);
    expect(await healed("lease_released")).toBe(0);
    agent.respond(request.Request.id, { GeneratedToken: { SamplerError: "done for the test" } });
    await (await pending).text();
    expect(await busySlots()).toBe(0);
  }, 20_000);

  it("a request the agent answers after its event loop stalled gets the agent's answer, not the reconciler's 502", async () => {
    balancer = await start();
    // Our agent counts the frames it read when it takes a report. This one stalls as soon as the
    // request is sent: the reports it still sends were taken before it read the request (its timer
    // runs before its socket is read), then it reads the request and answers it at once.
    let framesRead = 0;
    const agent = await silentAgent(
      () => [],
      undefined,
      () => framesRead,
    );
    await waitUntil(() => agent.received.length >= 1);
    framesRead = agent.received.length;
    const pending = generate();
    const request = await agent.waitFor((message) => "Request" in message);
    if (!("Request" in request)) throw new Error("no request");
    await new Promise((resolve) => setTimeout(resolve, 4000));
    framesRead = agent.received.length;
    agent.respond(request.Request.id, { GeneratedToken: { SamplerError: "cut by the reload" } });
    const body = await (await pending).text();
    expect(body).toContain("cut by the reload");
    expect(body).not.toContain("The agent is not running this request any more");
    expect(await healed("lease_released")).toBe(0);
    expect(await busySlots()).toBe(0);
  }, 20_000);

  it("leaves alone the leases of an agent that sends no report of its own", async () => {
    balancer = await start();
    await silentAgent(() => null);
    void generate().catch(() => undefined);
    await waitUntil(async () => (await busySlots()) === 1);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(await busySlots()).toBe(1);
    expect(await healed("lease_released")).toBe(0);
  }, 20_000);

  it("shows an agent's drain before a reload in the agents snapshot", async () => {
    balancer = await start();
    let draining: typeof drain | null = null;
    await silentAgent(
      () => [],
      () => draining,
    );
    const snapshot = async () =>
      (
        (await (await fetch(`${management()}/api/v1/agents`)).json()) as {
          agents: { reload_drain?: unknown }[];
        }
      ).agents[0];
    await waitUntil(async () => (await snapshot())?.reload_drain === null);
    draining = drain;
    await waitUntil(async () => JSON.stringify((await snapshot())?.reload_drain) === JSON.stringify(drain));
    draining = null;
    await waitUntil(async () => (await snapshot())?.reload_drain === null);
  });
});
