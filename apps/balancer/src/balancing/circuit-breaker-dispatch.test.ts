import {
  emptyTokenUsage,
  type InferenceClientMessage,
  inferenceClientMessageSchema,
} from "@paddler/protocol";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningBalancer } from "../start-balancer.js";
import { connectScriptedAgent, type ScriptedAgent } from "../testing/scripted-agent.js";
import { startTestBalancer } from "../testing/start-test-balancer.js";

let balancer: RunningBalancer | null = null;
const agents: ScriptedAgent[] = [];

afterEach(async () => {
  for (const agent of agents.splice(0)) agent.terminate();
  await balancer?.close({ gracePeriodMs: 0 });
  balancer = null;
});

const usage = { ...emptyTokenUsage(), prompt_tokens: 1, content_tokens: 1 };

async function generate(inferenceUrl: string): Promise<InferenceClientMessage | undefined> {
  const response = await fetch(`${inferenceUrl}/api/v1/continue_from_raw_prompt`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ raw_prompt: "x", max_tokens: 1 }),
  });
  const lines = (await response.text()).split("\n").filter(Boolean);
  return inferenceClientMessageSchema.parse(JSON.parse(lines.at(-1) ?? "null"));
}

const by = (message: InferenceClientMessage | undefined) =>
  message && "Response" in message ? message.Response.generated_by : null;

// Long enough that three requests fit in it on a loaded machine.
async function startWithBreaker(circuitBreakerCooldownMs = 2000): Promise<RunningBalancer> {
  const { balancer } = await startTestBalancer({
    maxBufferedRequests: 10,
    bufferedRequestTimeoutMs: 5000,
    inferenceItemTimeoutMs: 5000,
    circuitBreakerFailures: 2,
    circuitBreakerWindowMs: 60_000,
    circuitBreakerCooldownMs,
  });
  return balancer;
}

describe("circuit breaker in dispatch", () => {
  it("leaves an agent whose requests keep failing out for the cool-down, then tries it once again", async () => {
    balancer = await startWithBreaker();
    const managementAddress = balancer.addresses.management ?? "";
    const inferenceUrl = `http://${balancer.addresses.inference}`;
    let brokenRequests = 0;
    // Registered first, so every tie goes to it while its circuit is closed.
    agents.push(
      await connectScriptedAgent({
        managementAddress,
        id: "broken",
        name: "broken",
        slots: 1,
        onRequest: (agent, request) => {
          brokenRequests++;
          agent.respond(request.id, { GeneratedToken: { SamplerError: "engine failure" } });
        },
      }),
    );
    agents.push(
      await connectScriptedAgent({
        managementAddress,
        id: "healthy",
        name: "healthy",
        slots: 1,
        onRequest: (agent, request) => agent.respond(request.id, { GeneratedToken: { Done: { usage } } }),
      }),
    );
    const managementUrl = `http://${managementAddress}`;
    for (let i = 0; i < 100; i++) {
      const { agents: connected } = (await (await fetch(`${managementUrl}/api/v1/agents`)).json()) as {
        agents: unknown[];
      };
      if (connected.length === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    expect(by(await generate(inferenceUrl))).toBe("broken");
    expect(by(await generate(inferenceUrl))).toBe("broken");
    // Two failures in a row: it is left out, and requests go to the healthy agent.
    for (let i = 0; i < 3; i++) expect(by(await generate(inferenceUrl))).toBe("healthy");
    expect(brokenRequests).toBe(2);
    // After the cool-down one trial goes to it; it fails again and the circuit opens once more.
    let trial: string | null = "healthy";
    for (let i = 0; i < 2000 && trial === "healthy"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      trial = by(await generate(inferenceUrl));
    }
    expect(trial).toBe("broken");
    expect(brokenRequests).toBe(3);
    expect(by(await generate(inferenceUrl))).toBe("healthy");
  });

  it("does not count requests too long for a slot against the agent", async () => {
    // A cool-down far past the buffer timeout: an open circuit would turn the next request into a 504.
    balancer = await startWithBreaker(60_000);
    const managementAddress = balancer.addresses.management ?? "";
    const inferenceUrl = `http://${balancer.addresses.inference}`;
    agents.push(
      await connectScriptedAgent({
        managementAddress,
        id: "strict",
        name: "strict",
        slots: 1,
        onRequest: (agent, request) =>
          agent.respond(request.id, {
            GeneratedToken: { SamplerError: "Context exhausted: this slot holds at most 8 tokens" },
          }),
      }),
    );
    for (let i = 0; i < 100; i++) {
      const { agents: connected } = (await (
        await fetch(`http://${managementAddress}/api/v1/agents`)
      ).json()) as {
        agents: unknown[];
      };
      if (connected.length === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Far past the two failures that would open the circuit: every request still reaches the agent.
    for (let i = 0; i < 5; i++) expect(by(await generate(inferenceUrl))).toBe("strict");
  });
});
