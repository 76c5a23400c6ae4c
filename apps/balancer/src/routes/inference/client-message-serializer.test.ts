import type { ResponsePayload } from "@paddler/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DispatchEvent } from "../../dispatch/dispatcher.js";
import { clientMessageSerializer } from "./client-message-serializer.js";
import { toClientMessage } from "./generation.js";

const text = fc.string({ unit: "binary" });
const token = fc.oneof(
  fc.record({ ContentToken: text }),
  fc.record({ ReasoningToken: text }),
  fc.record({ ToolCallToken: text }),
  fc.record({ SamplerError: text }),
  fc.constant("ChatTemplateError" as const),
);
const event: fc.Arbitrary<DispatchEvent> = fc.oneof(
  fc.record({
    kind: fc.constant("response" as const),
    generatedBy: fc.oneof(fc.constant(null), text),
    response: fc.oneof(
      token.map((result) => ({ GeneratedToken: result }) as ResponsePayload),
      fc.constant({ Embedding: "Done" } as ResponsePayload),
    ),
  }),
  fc.record({
    kind: fc.constant("error" as const),
    error: fc.record({ code: fc.integer({ min: 100, max: 599 }), description: text }),
  }),
);

describe("clientMessageSerializer", () => {
  it("writes exactly what JSON.stringify(toClientMessage(...)) writes, event after event", () => {
    fc.assert(
      fc.property(text, fc.array(event, { maxLength: 12 }), (requestId, events) => {
        const serialize = clientMessageSerializer(requestId);
        for (const item of events)
          expect(serialize(item)).toBe(JSON.stringify(toClientMessage(item, requestId)));
      }),
    );
  });
});
