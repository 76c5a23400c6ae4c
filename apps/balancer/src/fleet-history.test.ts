import {
  agentsResponseSchema,
  agentTimelineSchema,
  emptyTokenUsage,
  metricsHistorySchema,
  type ResponsePayload,
  recentRequestsSchema,
} from "@paddler/protocol";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningBalancer } from "./start-balancer.js";
import { connectScriptedAgent, type ScriptedAgent } from "./testing/scripted-agent.js";
import { startTestBalancer } from "./testing/start-test-balancer.js";

let balancer: RunningBalancer | null = null;
const agents: ScriptedAgent[] = [];

afterEach(async () => {
  for (const agent of agents.splice(0)) agent.terminate();
  await balancer?.close();
  balancer = null;
});

async function start() {
  const started = await startTestBalancer({ bufferedRequestTimeoutMs: 60_000 });
  balancer = started.balancer;
  return started;
}

/** Answers every request with three tokens and Done. */
function threeTokens(agent: ScriptedAgent, request: { id: string }) {
  const send = (response: ResponsePayload) => agent.respond(request.id, response);
  for (const token of ["a", "b", "c"]) send({ GeneratedToken: { ContentToken: token } });
  send({
    GeneratedToken: {
      Done: {
        usage: { ...emptyTokenUsage(), prompt_tokens: 4, content_tokens: 3 },
      },
    },
  });
}

const generate = (inference: string) =>
  fetch(`${inference}/api/v1/continue_from_raw_prompt`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Request-Id": `req-${Math.random().toString(36).slice(2)}`,
    },
    body: JSON.stringify({ raw_prompt: "Once upon a time", max_tokens: 5 }),
  }).then((response) => response.text());

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const getJson = async (url: string) => (await fetch(url)).json();

describe("fleet history", { timeout: 60_000 }, () => {
  it("lists recent requests, keeps metrics history per agent, and records the agent's timeline", async () => {
    const urls = await start();
    agents.push(
      await connectScriptedAgent({
        managementAddress: urls.managementAddress,
        id: "a1",
        name: "gpu-1",
        slots: 2,
        onRequest: threeTokens,
      }),
    );
    await waitUntil(
      async () =>
        agentsResponseSchema.parse(await getJson(`${urls.management}/api/v1/agents`)).agents.length === 1,
    );
    await generate(urls.inference);
    await generate(urls.inference);
    const { requests } = recentRequestsSchema.parse(
      await getJson(`${urls.management}/api/v1/recent_requests`),
    );
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({
      agent: "gpu-1",
      outcome: "completed",
      prompt_tokens: 4,
      generated_tokens: 3,
    });
    expect(requests[0]?.id).toMatch(/^req-/);
    expect(requests[0]?.time_to_first_token_ms).toBeGreaterThanOrEqual(0);
    // The buckets with these requests close within one bucket (5 s); they may straddle two.
    const totals = async () => {
      const history = metricsHistorySchema.parse(await getJson(`${urls.management}/api/v1/metrics_history`));
      const seconds = history.bucket_ms / 1000;
      const sum = (pick: (point: (typeof history.fleet)[number]) => number) =>
        Math.round(history.fleet.reduce((total, point) => total + pick(point) * seconds, 0) * 1000) / 1000;
      return {
        history,
        generated: sum((point) => point.generated_tokens_per_second),
        prompt: sum((point) => point.prompt_tokens_per_second),
        completed: sum((point) => point.requests_per_second.completed ?? 0),
      };
    };
    await waitUntil(async () => (await totals()).completed === 2);
    const { history, generated, prompt } = await totals();
    expect({ generated, prompt }).toEqual({ generated: 6, prompt: 8 });
    expect(history.agents["gpu-1"]?.at(-1)).toMatchObject({ slots_total: 2 });
    expect(history.pools.default?.length).toBeGreaterThan(0);
    const snapshot = agentsResponseSchema.parse(await getJson(`${urls.management}/api/v1/agents`)).agents[0];
    expect(snapshot?.connected_at).toBeLessThanOrEqual(Date.now());
    expect(snapshot?.last_status_at).toBeGreaterThanOrEqual(snapshot?.connected_at ?? 0);
    const timeline = agentTimelineSchema.parse(
      await getJson(`${urls.management}/api/v1/agent_timeline?agent=a1`),
    );
    expect(timeline.events[0]).toMatchObject({ kind: "joined", agent_name: "gpu-1" });
  });

  it("drains an agent on the operator's word (new requests wait) and lets it back", async () => {
    const urls = await start();
    agents.push(
      await connectScriptedAgent({
        managementAddress: urls.managementAddress,
        id: "a1",
        name: "gpu-1",
        slots: 1,
        onRequest: threeTokens,
      }),
    );
    await waitUntil(
      async () =>
        agentsResponseSchema.parse(await getJson(`${urls.management}/api/v1/agents`)).agents.length === 1,
    );
    expect((await fetch(`${urls.management}/api/v1/agent/nobody/drain`, { method: "PUT" })).status).toBe(404);
    expect((await fetch(`${urls.management}/api/v1/agent/a1/drain`, { method: "PUT" })).status).toBe(204);
    const drained = agentsResponseSchema.parse(await getJson(`${urls.management}/api/v1/agents`)).agents[0];
    expect(drained).toMatchObject({ drained_by_operator: true, slots_total: 1 });
    const waiting = generate(urls.inference);
    await waitUntil(
      async () =>
        (
          (await getJson(`${urls.management}/api/v1/buffered_requests`)) as {
            buffered_requests_current: number;
          }
        ).buffered_requests_current === 1,
    );
    expect((await fetch(`${urls.management}/api/v1/agent/a1/drain`, { method: "DELETE" })).status).toBe(204);
    expect(await waiting).toContain("Done");
    await waitUntil(async () => {
      const { events } = agentTimelineSchema.parse(await getJson(`${urls.management}/api/v1/agent_timeline`));
      return events.some((event) => event.kind === "undrained");
    });
    const { events } = agentTimelineSchema.parse(await getJson(`${urls.management}/api/v1/agent_timeline`));
    expect(events.map((event) => event.kind)).toEqual(["joined", "drained", "undrained"]);
  });
});
