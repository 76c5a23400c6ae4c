import { silentLogger } from "@paddler/logger";
import type { BalancerToAgentMessage, ResponsePayload } from "@paddler/protocol";
import { describe, expect, it } from "vitest";
import { AgentController } from "../agents/agent-controller.js";
import type { SlotPools } from "../balancing/slot-pools.js";
import { noDispatchMetrics } from "../metrics/dispatch-metrics.js";
import type { DispatchEvent } from "./dispatch-event.js";
import { runOnAgent } from "./run-on-agent.js";

function harness() {
  const sent: BalancerToAgentMessage[] = [];
  const agent = new AgentController({
    id: "agent-1",
    name: "one",
    snapshot: {
      version: 1,
      desired_slots_total: 1,
      slots_processing: 0,
      slots_total: 1,
      model_path: null,
      download_current: 0,
      download_total: 0,
      download_filename: null,
      download_indeterminate: false,
      issues: [],
      uses_chat_template_override: false,
      state_application_status: "Applied",
    },
    connection: { send: (message) => sent.push(message), close: () => {} },
  });
  let released = 0;
  const lease = {
    agentId: agent.id,
    release: () => {
      released++;
    },
  };
  const pool = { reportOutcome: () => {}, markFull: () => {} } as unknown as SlotPools;
  const events: { event: DispatchEvent; releasedBefore: number }[] = [];
  const client = new AbortController();
  const ended = runOnAgent({
    agent,
    lease,
    request: { ContinueFromRawPrompt: { raw_prompt: "Hi", max_tokens: 8 } },
    agentRequestId: "r1",
    signal: client.signal,
    cutOff: new AbortController().signal,
    itemTimeoutMs: 10_000,
    pool,
    metrics: noDispatchMetrics,
    logger: silentLogger(),
    startedAt: performance.now(),
    attempt: 0,
    mayRedispatch: false,
    onEvent: (event) => events.push({ event, releasedBefore: released }),
  });
  const reply = (response: ResponsePayload) =>
    agent.deliver({ kind: "response", envelope: { request_id: "r1", generated_by: "one", response } });
  return { agent, sent, events, reply, ended, client, released: () => released };
}

const done = {
  GeneratedToken: {
    Done: {
      usage: {
        prompt_tokens: 1,
        cached_prompt_tokens: 0,
        content_tokens: 2,
        reasoning_tokens: 0,
        tool_call_tokens: 0,
        undeterminable_tokens: 0,
      },
    },
  },
} as ResponsePayload;

describe("runOnAgent (the push relay)", () => {
  it("hands each reply on in the call that delivered it, and frees the lease before the terminal one", async () => {
    const { events, reply, ended, released } = harness();
    reply({ GeneratedToken: { ContentToken: "a" } });
    // No promise between the agent's frame and the consumer.
    expect(events).toHaveLength(1);
    reply({ GeneratedToken: { ContentToken: "b" } });
    expect(events).toHaveLength(2);
    expect(released()).toBe(0);
    reply(done);
    expect(events).toHaveLength(3);
    expect(events[2]?.releasedBefore).toBe(1);
    expect(await ended).toBe("settled");
    reply({ GeneratedToken: { ContentToken: "late" } });
    expect(events).toHaveLength(3);
  });

  it("stops a request whose client left on the agent and keeps its slot until the agent confirms", async () => {
    const { sent, events, reply, ended, client, released } = harness();
    reply({ GeneratedToken: { ContentToken: "a" } });
    client.abort();
    expect(await ended).toBe("settled");
    expect(sent.at(-1)).toEqual({ Notification: { StopRespondingTo: "r1" } });
    reply({ GeneratedToken: { ContentToken: "b" } });
    expect(released()).toBe(0);
    expect(events).toHaveLength(1);
    reply(done);
    expect(released()).toBe(1);
  });
});
