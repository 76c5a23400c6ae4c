import type { InferenceClientMessage, PaddlerClient, TokenGenerationModeNotification } from "@paddler/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { waitUntil } from "../ndjson.js";
import { startTestCluster, type TestCluster, testDesiredState } from "../test-cluster.js";
import {
  clientFor,
  contentToken,
  expectPaddlerError,
  isDone,
  iterateUntilError,
  longStory,
  nextMatching,
  slotsProcessing,
  waitForIdleSlots,
} from "./client-helpers.js";

/** `ws`, recording which request ids each socket carried. */
function recordingWebSocket() {
  const sockets: { requestIds: Set<string>; opened: boolean }[] = [];
  class RecordingWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      const record = { requestIds: new Set<string>(), opened: false };
      sockets.push(record);
      this.on("open", () => {
        record.opened = true;
      });
      this.on("message", (data) => {
        const frame = JSON.parse(String(data)) as { Response?: { request_id: string } };
        if (frame.Response) record.requestIds.add(frame.Response.request_id);
      });
    }
  }
  return { sockets, RecordingWebSocket };
}

describe("@paddler/client over the inference WebSocket, against a real cluster", () => {
  let cluster: TestCluster;
  let paddler: PaddlerClient;
  const { sockets, RecordingWebSocket } = recordingWebSocket();
  beforeAll(async () => {
    cluster = await startTestCluster({ agents: [{ slots: 4, name: "socket-agent" }] });
    await cluster.waitForSlots(4);
    paddler = clientFor(cluster, { WebSocket: RecordingWebSocket, inferenceSocketPoolSize: 2 });
  });
  afterAll(async () => {
    paddler?.close();
    await cluster?.close();
  });

  it("generates over the socket the same text as over HTTP", async () => {
    const params = { raw_prompt: "Once upon a time there was a dog", max_tokens: 20 };
    const overSocket = await paddler.inference.socket.continueFromRawPrompt(params).text();
    const overHttp = await paddler.inference.continueFromRawPrompt(params).text();
    expect(overSocket.length).toBeGreaterThan(0);
    expect(overSocket).toBe(overHttp);
  });

  it("multiplexes several concurrent requests over a pool of two sockets", async () => {
    const ids = ["multi-0", "multi-1", "multi-2", "multi-3"];
    const results = await Promise.all(
      ids.map(async (id, index) => {
        const messages: InferenceClientMessage[] = [];
        const stream =
          index % 2 === 0
            ? paddler.inference.socket.continueFromRawPrompt(
                { raw_prompt: `Tom had ${index} dogs`, max_tokens: 60 },
                { id },
              )
            : paddler.inference.socket.continueFromConversationHistory(
                {
                  add_generation_prompt: true,
                  conversation_history: [{ role: "user", content: `Count to ${index}` }],
                  enable_thinking: false,
                  max_tokens: 60,
                },
                { id },
              );
        for await (const message of stream) messages.push(message);
        return messages;
      }),
    );
    results.forEach((messages, index) => {
      expect(isDone(messages.at(-1))).toBe(true);
      expect(messages.map(contentToken).filter((token) => token !== undefined)).toHaveLength(60);
      for (const message of messages) {
        expect("Response" in message ? message.Response.request_id : "error").toBe(ids[index]);
      }
    });
    // Two sockets, each carrying two of the concurrent requests at once.
    expect(sockets).toHaveLength(2);
    const carried = sockets.map((socket) => ids.filter((id) => socket.requestIds.has(id)).length);
    expect(carried).toEqual([2, 2]);
  });

  it("an AbortSignal sends StopRespondingTo: the request fails `aborted`, the slot frees, the others go on", async () => {
    const controller = new AbortController();
    const survivor = paddler.inference.socket
      .continueFromRawPrompt({ raw_prompt: "Lily", max_tokens: 300 })
      .text();
    const { tokens, messages, error } = await iterateUntilError(
      paddler.inference.socket.continueFromRawPrompt(longStory, {
        signal: controller.signal,
        id: "to-cancel",
      }),
      5,
      () => controller.abort(),
    );
    expect(tokens.length).toBeGreaterThanOrEqual(5);
    expect(messages.some(isDone)).toBe(false);
    expectPaddlerError(error, "aborted");
    // The survivor, multiplexed beside it, still completes.
    expect((await survivor).length).toBeGreaterThan(0);
    await waitForIdleSlots(paddler);
    // The same request id can be used again, and the sockets still work.
    const again = await paddler.inference.socket
      .continueFromRawPrompt({ raw_prompt: "Tom", max_tokens: 5 }, { id: "to-cancel" })
      .text();
    expect(again.length).toBeGreaterThan(0);
  });

  it("leaving the loop early stops the generation on the agent", async () => {
    let seen = 0;
    for await (const message of paddler.inference.socket.continueFromRawPrompt(longStory)) {
      if (contentToken(message) !== undefined) seen += 1;
      if (seen === 1) expect(await slotsProcessing(paddler)).toBe(1);
      if (seen === 3) break;
    }
    await waitForIdleSlots(paddler);
  });
});

describe("@paddler/client token-generation-mode subscription, against a real cluster", () => {
  let cluster: TestCluster;
  let paddler: PaddlerClient;
  const { sockets, RecordingWebSocket } = recordingWebSocket();
  beforeAll(async () => {
    cluster = await startTestCluster({ agents: [{ slots: 1 }] });
    await cluster.waitForSlots(1);
    paddler = clientFor(cluster, { WebSocket: RecordingWebSocket });
  });
  afterAll(async () => {
    paddler?.close();
    await cluster?.close();
  });

  it("sees TokenGenerationDisabled when the cluster switches to embeddings mode, then Enabled when it switches back", async () => {
    const subscription = new AbortController();
    const modes: TokenGenerationModeNotification[] = [];
    const iterator = paddler.inference.socket
      .subscribeToTokenGenerationMode({ signal: subscription.signal })
      [Symbol.asyncIterator]();
    const record = (mode: TokenGenerationModeNotification) => {
      modes.push(mode);
      return true;
    };
    const generation = testDesiredState();
    const embeddings = testDesiredState({
      inference_parameters: { ...generation.inference_parameters, enable_embeddings: true },
    });
    const disabled = nextMatching(iterator, (mode) => record(mode) && mode === "TokenGenerationDisabled");
    // Subscribing opens a socket by itself; switch once it is open, so the change (not the
    // announcement on connect) is what arrives.
    await waitUntil(() => sockets.some((socket) => socket.opened));
    await paddler.management.putBalancerDesiredState(embeddings);
    expect(await disabled).toBe("TokenGenerationDisabled");

    await paddler.management.putBalancerDesiredState(generation);
    expect(await nextMatching(iterator, (mode) => record(mode) && mode === "TokenGenerationEnabled")).toBe(
      "TokenGenerationEnabled",
    );
    expect(modes).toEqual(["TokenGenerationDisabled", "TokenGenerationEnabled"]);

    // Generation works again once the agent has applied the state (it answers TokenGenerationDisabled
    // until then), and a late subscriber gets the last known mode first.
    await waitUntil(async () => {
      try {
        const text = await paddler.inference.socket
          .continueFromRawPrompt({ raw_prompt: "Hi", max_tokens: 3 })
          .text();
        return text !== "";
      } catch (error) {
        expectPaddlerError(error, "generation_error");
        return false;
      }
    });
    const late = paddler.inference.socket.subscribeToTokenGenerationMode()[Symbol.asyncIterator]();
    expect((await late.next()).value).toBe("TokenGenerationEnabled");
    await late.return?.();

    subscription.abort();
    expect((await iterator.next()).done).toBe(true);
  });
});
