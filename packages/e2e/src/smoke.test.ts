import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentText, postJson, readNdjson } from "./ndjson.js";
import { startTestCluster, type TestCluster } from "./test-cluster.js";

describe("a real cluster", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster({ agents: [{ slots: 2 }] });
    await cluster.waitForSlots(2);
  });
  afterAll(() => cluster.close());

  it("generates from a raw prompt", async () => {
    const messages = await readNdjson(
      await postJson(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
        raw_prompt: "Once upon a time",
        max_tokens: 20,
      }),
    );
    expect(contentText(messages).length).toBeGreaterThan(0);
    expect(messages.at(-1)).toMatchObject({ Response: { response: { GeneratedToken: { Done: {} } } } });
  });
});
