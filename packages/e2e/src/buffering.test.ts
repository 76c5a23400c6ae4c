import { afterEach, describe, expect, it } from "vitest";
import { postJson, readNdjson, waitUntil } from "./ndjson.js";
import { startTestCluster, type TestCluster } from "./test-cluster.js";

let cluster: TestCluster | null = null;
afterEach(async () => {
  await cluster?.close();
  cluster = null;
});

async function bufferedCount(managementUrl: string): Promise<number> {
  return (await (await fetch(`${managementUrl}/api/v1/buffered_requests`)).json()).buffered_requests_current;
}

describe("request buffering with a real agent", () => {
  it("answers 503 when the buffer overflows and 504 when a buffered request times out", async () => {
    cluster = await startTestCluster({
      balancer: { maxBufferedRequests: 1, bufferedRequestTimeoutMs: 500 },
      agents: [{ slots: 1 }],
    });
    await cluster.waitForSlots(1);
    const url = `${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`;
    // Occupy the only slot with a long generation, read slowly.
    const busy = await postJson(url, { raw_prompt: "Once upon a time", max_tokens: 1500 });
    const busyReader = busy.body?.getReader();
    await busyReader?.read();
    const buffered = postJson(url, { raw_prompt: "Lily", max_tokens: 5 }).then(readNdjson);
    const managementUrl = cluster.managementUrl;
    await waitUntil(async () => (await bufferedCount(managementUrl)) === 1);
    const overflow = await readNdjson(await postJson(url, { raw_prompt: "Tom", max_tokens: 5 }));
    expect(overflow).toEqual([
      {
        Error: {
          request_id: expect.any(String),
          error: { code: 503, description: "Buffered requests overflow" },
        },
      },
    ]);
    const timedOut = await buffered;
    // Either the long story was still running (504), or it finished first and the buffered one ran.
    const last = timedOut.at(-1);
    if (last && "Error" in last) {
      expect(last.Error.error).toEqual({ code: 504, description: "Waiting for available slot timed out" });
    } else {
      expect(last).toMatchObject({ Response: { response: { GeneratedToken: { Done: {} } } } });
    }
    await busyReader?.cancel();
  });

  it("scales from zero: a request sent before any agent exists is served when one joins", async () => {
    cluster = await startTestCluster({ balancer: { bufferedRequestTimeoutMs: 60_000 } });
    const pending = postJson(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
      raw_prompt: "Once upon a time",
      max_tokens: 10,
    }).then(readNdjson);
    const managementUrl = cluster.managementUrl;
    await waitUntil(async () => (await bufferedCount(managementUrl)) === 1);
    await cluster.addAgent({ slots: 1, name: "late" });
    const messages = await pending;
    expect(messages.at(-1)).toMatchObject({
      Response: { generated_by: "late", response: { GeneratedToken: { Done: {} } } },
    });
    expect(await bufferedCount(managementUrl)).toBe(0);
  });
});
