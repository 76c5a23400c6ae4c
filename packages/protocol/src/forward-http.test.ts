import { describe, expect, it } from "vitest";
import { agentRequestSchema, agentToBalancerMessageSchema } from "./agent-socket-messages.js";
import { slotAggregatedStatusSnapshotSchema } from "./slot-aggregated-status-snapshot.js";

describe("ForwardHttp frames", () => {
  it("take a request as it came and its reply in order", () => {
    const request = {
      ForwardHttp: {
        version: 1,
        method: "POST",
        path: "/v1/chat/completions",
        headers: { "content-type": "application/json" },
        body_base64: Buffer.from("{}").toString("base64"),
      },
    };
    expect(agentRequestSchema.parse(request)).toEqual(request);
    for (const event of [
      { Head: { status: 200, headers: { "content-type": "text/event-stream" } } },
      { Chunk: "ZGF0YQ==" },
      "End",
      { Failed: "upstream unreachable" },
    ]) {
      const frame = {
        Response: { generated_by: null, request_id: "r1", response: { ForwardedHttp: event } },
      };
      expect(agentToBalancerMessageSchema.parse(frame)).toEqual(frame);
    }
  });

  it("refuses a path that is not absolute", () => {
    const result = agentRequestSchema.safeParse({
      ForwardHttp: { version: 1, method: "POST", path: "http://evil/", headers: {}, body_base64: "" },
    });
    expect(result.success).toBe(false);
  });
});

describe("engine info in the status snapshot", () => {
  const snapshot = {
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
    version: 1,
  };

  it("is optional, so Paddler's snapshots still parse", () => {
    expect(slotAggregatedStatusSnapshotSchema.parse(snapshot)).toEqual(snapshot);
  });

  it("names the engine, its upstream and what it serves", () => {
    const withEngine = {
      ...snapshot,
      engine: {
        kind: "LlamaServerExternal",
        upstream: "http://127.0.0.1:8080",
        served_models: ["stories260K.gguf"],
        forward_http_version: 1,
      },
    };
    expect(slotAggregatedStatusSnapshotSchema.parse(withEngine)).toEqual(withEngine);
  });
});
