import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectFastPathAgrees } from "../testing/expect-fast-path-agrees.js";
import { chatCompletionRequestSchema } from "./chat-completion-request.js";
import { fastChatCompletionRequest } from "./fast-chat-completion-request.js";

const value = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(1.5, -0, 2 ** 53, Number.MAX_SAFE_INTEGER, 1e300),
  fc.boolean(),
  fc.constant(null),
  fc.constant({}),
  fc.constant([]),
);
const message = fc.record(
  {
    role: fc.oneof(fc.constantFrom("system", "developer", "user", "assistant", "tool", "bogus"), value),
    content: fc.oneof(fc.string({ maxLength: 8 }), value, fc.constant([{ type: "text", text: "x" }])),
    name: fc.string({ maxLength: 3 }),
    tool_call_id: fc.string({ maxLength: 3 }),
    extra: value,
  },
  { requiredKeys: [] },
);
const body = fc.record(
  {
    model: fc.oneof(fc.string({ maxLength: 6 }), value),
    messages: fc.oneof(fc.array(message, { maxLength: 3 }), value),
    stream: value,
    stream_options: fc.oneof(
      fc.record({ include_usage: value, continuous_usage_stats: value, other: value }, { requiredKeys: [] }),
      value,
    ),
    max_tokens: value,
    max_completion_tokens: value,
    temperature: value,
    user: value,
  },
  { requiredKeys: [] },
);

// Mostly well-formed, so the fast path is reached often; each field now and then goes wrong.
const mostly = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: value, weight: 1 });
const nearMessage = fc.oneof(
  {
    arbitrary: fc.record({
      role: mostly(fc.constantFrom("system", "developer", "user", "assistant", "tool")),
      content: mostly(fc.string({ maxLength: 8 })),
    }),
    weight: 8,
  },
  { arbitrary: message, weight: 1 },
);
const nearBody = fc.record(
  {
    model: mostly(fc.string({ maxLength: 6 })),
    messages: mostly(fc.array(nearMessage, { maxLength: 3 })),
    stream: mostly(fc.oneof(fc.boolean(), fc.constant(null))),
    stream_options: mostly(
      fc.record(
        { include_usage: mostly(fc.boolean()), continuous_usage_stats: mostly(fc.boolean()) },
        { requiredKeys: [] },
      ),
    ),
    max_tokens: mostly(fc.integer({ min: -2, max: 100 })),
    max_completion_tokens: mostly(fc.integer({ min: -2, max: 100 })),
  },
  { requiredKeys: ["messages"] },
);

describe("fastChatCompletionRequest", () => {
  it("takes only what the schema accepts, and makes the same request of it", () => {
    expectFastPathAgrees(
      fastChatCompletionRequest,
      chatCompletionRequestSchema,
      fc.oneof(nearBody, body, value),
    );
  });

  it("takes the request most clients send", () => {
    const common = {
      model: "m",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hello" },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_completion_tokens: 16,
    };
    expect(fastChatCompletionRequest(common)).toEqual(chatCompletionRequestSchema.parse(common));
    expect(fastChatCompletionRequest({ messages: [] })).toEqual({ model: "", messages: [] });
  });

  it("leaves the rest to the schema", () => {
    expect(fastChatCompletionRequest({ messages: [], temperature: 0.5 })).toBeNull();
    expect(fastChatCompletionRequest({ messages: [{ role: "user", content: [] }] })).toBeNull();
    expect(fastChatCompletionRequest({ messages: [], max_tokens: -2 })).toBeNull();
  });
});
