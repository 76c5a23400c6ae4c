import type { AgentRequest } from "@paddler/protocol";
import { describe, expect, it } from "vitest";
import type { AgentSlotCounts } from "../pick-least-busy-agent.js";
import { createPrefixAffinityPicker } from "./prefix-affinity-picker.js";
import { PrefixIndex } from "./prefix-index.js";
import { PREFIX_BLOCK_CHARS, promptPrefixBlocks } from "./prompt-prefix-blocks.js";

const system = "You are a helpful assistant who tells short stories to children. ".repeat(4);

function conversation(user: string, turns: number): AgentRequest {
  const history = [{ role: "system", content: system }];
  for (let turn = 0; turn < turns; turn++) {
    history.push({
      role: "user",
      content: `${user} asks question ${turn}: ${"why is the sky blue? ".repeat(8)}`,
    });
    history.push({
      role: "assistant",
      content: `Answer ${turn} for ${user}: ${"because of the light. ".repeat(8)}`,
    });
  }
  history.push({ role: "user", content: `${user} asks the next question` });
  return {
    ContinueFromConversationHistory: {
      add_generation_prompt: true,
      conversation_history: history,
      enable_thinking: false,
      max_tokens: 10,
    },
  };
}

const agents = (...busy: number[]): AgentSlotCounts[] =>
  busy.map((slotsProcessing, index) => ({ id: `a${index}`, slotsProcessing, slotsTotal: 4 }));

describe("prompt prefix blocks", () => {
  it("gives equal leading hashes to prompts that share a prefix, and none to embeddings", () => {
    const short = promptPrefixBlocks(conversation("ann", 1));
    const long = promptPrefixBlocks(conversation("ann", 3));
    const other = promptPrefixBlocks(conversation("bob", 1));
    expect(short.length).toBeGreaterThan(4);
    expect(long.slice(0, short.length - 1)).toEqual(short.slice(0, short.length - 1));
    // The system prompt is shared; the conversations part at the first block holding a name.
    const shared = Math.floor((system.length + 10) / PREFIX_BLOCK_CHARS);
    expect(other.slice(0, shared)).toEqual(short.slice(0, shared));
    expect(other.at(-1)).not.toBe(short.at(-1));
    expect(
      promptPrefixBlocks({ GenerateEmbeddingBatch: { input_batch: [], normalization_method: "None" } }),
    ).toEqual([]);
  });
});

describe("PrefixIndex", () => {
  it("counts the unbroken run of leading blocks per agent and forgets the least recently used", () => {
    const index = new PrefixIndex(4);
    index.record("a", ["1", "2", "3"]);
    index.record("b", ["1", "x"]);
    expect(Object.fromEntries(index.matchedBlocks(["1", "2", "3", "4"], ["a", "b", "c"]))).toEqual({
      a: 3,
      b: 1,
      c: 0,
    });
    index.record("c", ["y"]);
    expect(index.size).toBe(4);
    // Five blocks for a cap of four: "2", the least recently used ("1" was refreshed by b), went.
    expect(index.matchedBlocks(["1", "2"], ["a"]).get("a")).toBe(1);
    index.forget("a");
    expect(index.matchedBlocks(["2"], ["a"]).get("a")).toBe(0);
  });
});

describe("prefix affinity picker", () => {
  it("sends each conversation's next turn back to the agent that served it", () => {
    const picker = createPrefixAffinityPicker();
    const first = { request: conversation("ann", 1) };
    const second = { request: conversation("bob", 1) };
    const annAgent = picker.pick(agents(0, 0, 0), first);
    expect(annAgent).toBe("a0");
    picker.leased?.("a0", first);
    // Bob shares only the system prompt: below the threshold, the least busy agent takes him.
    const bobAgent = picker.pick(agents(1, 0, 0), second);
    expect(bobAgent).toBe("a1");
    picker.leased?.("a1", second);
    // Next turns, with loads that would send both elsewhere under least busy.
    expect(picker.pick(agents(1, 1, 0), { request: conversation("ann", 2) })).toBe("a0");
    expect(picker.pick(agents(1, 1, 0), { request: conversation("bob", 2) })).toBe("a1");
  });

  it("falls back to least busy when the warm agent is full or the pool is imbalanced", () => {
    const picker = createPrefixAffinityPicker();
    const hint = { request: conversation("ann", 1) };
    picker.leased?.("a0", hint);
    const next = { request: conversation("ann", 2) };
    expect(
      picker.pick([{ id: "a0", slotsProcessing: 4, slotsTotal: 4 }, ...agents(0, 0).slice(1)], next),
    ).toBe("a1");
    // a0 runs 3 more than a1, and over 1.5 times as many: load wins over cache.
    expect(picker.pick(agents(3, 0), next)).toBe("a1");
    expect(picker.pick(agents(2, 1), next)).toBe("a0");
    expect(picker.pick([{ id: "a0", slotsProcessing: 4, slotsTotal: 4 }], next)).toBeNull();
  });
});
