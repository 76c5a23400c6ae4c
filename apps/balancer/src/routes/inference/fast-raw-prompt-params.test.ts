import { continueFromRawPromptParamsSchema } from "@paddler/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectFastPathAgrees } from "../../testing/expect-fast-path-agrees.js";
import { fastRawPromptParams } from "./fast-raw-prompt-params.js";

const value = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(1.5, -0, 2 ** 53, Number.MAX_SAFE_INTEGER, -1e300),
  fc.boolean(),
  fc.constant(null),
  fc.constant({}),
  fc.constant([]),
);
const mostly = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: good, weight: 4 }, { arbitrary: value, weight: 1 });
const body = fc.record(
  {
    raw_prompt: mostly(fc.string({ maxLength: 8 })),
    max_tokens: mostly(fc.integer({ min: -5, max: 5000 })),
    grammar: value,
    prompt_tokens: fc.oneof(fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 2 }), value),
    extra: value,
  },
  { requiredKeys: [] },
);

const nearBody = fc.record({
  raw_prompt: mostly(fc.string({ maxLength: 8 })),
  max_tokens: mostly(fc.integer({ min: -5, max: 5000 })),
});

describe("fastRawPromptParams", () => {
  it("takes only what the schema accepts, and makes the same params of it", () => {
    expectFastPathAgrees(
      fastRawPromptParams,
      continueFromRawPromptParamsSchema,
      fc.oneof(nearBody, body, value),
    );
  });

  it("takes the common body and leaves the rest to the schema", () => {
    expect(fastRawPromptParams({ raw_prompt: "Hi", max_tokens: 16 })).toEqual({
      raw_prompt: "Hi",
      max_tokens: 16,
    });
    expect(fastRawPromptParams({ raw_prompt: "Hi", max_tokens: 16, grammar: null })).toBeNull();
    expect(fastRawPromptParams({ raw_prompt: "Hi", max_tokens: 1.5 })).toBeNull();
  });
});
