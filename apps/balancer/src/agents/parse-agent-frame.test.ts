import { agentToBalancerMessageSchema } from "@paddler/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAgentFrame } from "./parse-agent-frame.js";

const token = (response: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ Response: { generated_by: null, request_id: "r1", response, ...extra } });

describe("parseAgentFrame", () => {
  it("takes token frames and every other frame", () => {
    expect(parseAgentFrame(token({ GeneratedToken: { ContentToken: "Once" } }))).toEqual({
      ok: true,
      message: {
        Response: {
          generated_by: null,
          request_id: "r1",
          response: { GeneratedToken: { ContentToken: "Once" } },
        },
      },
    });
    expect(parseAgentFrame(JSON.stringify({ Notification: "DeregisterAgent" }))).toMatchObject({ ok: true });
    expect(parseAgentFrame(token({ GeneratedToken: { Done: { usage: {} } } }))).toMatchObject({ ok: false });
  });

  it("refuses what the schema refuses", () => {
    expect(parseAgentFrame("{")).toEqual({ ok: false, reason: "frame is not JSON", closeCode: 1007 });
    expect(parseAgentFrame(token({ GeneratedToken: { ContentToken: 5 } }))).toMatchObject({ ok: false });
    // A rogue agent's deeply nested frame is refused before it is built, with 1009.
    const depth = 4 * 1024 * 1024;
    expect(parseAgentFrame("[".repeat(depth) + "]".repeat(depth))).toEqual({
      ok: false,
      reason: "JSON nests deeper than 128 levels",
      closeCode: 1009,
    });
    // A short one too, which is parsed before it is scanned: refused before zod walks it.
    expect(parseAgentFrame(`${"[".repeat(200)}${"]".repeat(200)}`)).toEqual({
      ok: false,
      reason: "JSON nests deeper than 128 levels",
      closeCode: 1009,
    });
    expect(parseAgentFrame(token({ GeneratedToken: { ContentToken: "a" } }, { extra: 1 }))).toMatchObject({
      ok: false,
    });
    expect(
      parseAgentFrame(token({ GeneratedToken: { ContentToken: "a", ReasoningToken: "b" } })),
    ).toMatchObject({ ok: false });
  });

  it("agrees with the schema on arbitrary token-shaped frames", () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean());
    const frame = fc.record({
      Response: fc.record(
        {
          generated_by: value,
          request_id: value,
          response: fc.record({
            GeneratedToken: fc.dictionary(
              fc.constantFrom("ContentToken", "ReasoningToken", "Done", "x"),
              value,
              { maxKeys: 2 },
            ),
          }),
          extra: value,
        },
        { requiredKeys: [] },
      ),
    });
    fc.assert(
      fc.property(frame, (candidate) => {
        const text = JSON.stringify(candidate);
        expect(parseAgentFrame(text).ok).toBe(
          agentToBalancerMessageSchema.safeParse(JSON.parse(text)).success,
        );
      }),
      { numRuns: 2000 },
    );
    // 2,000 schema checks take seconds on a loaded 2-core machine.
  }, 60_000);
});
