import { collectEmbeddings, type InferenceClientMessage, type PaddlerClient } from "@paddler/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster, testDesiredState } from "../test-cluster.js";
import {
  clientFor,
  contentToken,
  expectPaddlerError,
  isDone,
  iterateUntilError,
  longStory,
  slotsProcessing,
  waitForIdleSlots,
} from "./client-helpers.js";

describe("@paddler/client over HTTP, against a real cluster", () => {
  let cluster: TestCluster;
  let paddler: PaddlerClient;
  beforeAll(async () => {
    cluster = await startTestCluster({ agents: [{ slots: 2, name: "http-agent" }] });
    await cluster.waitForSlots(2);
    paddler = clientFor(cluster);
  });
  afterAll(async () => {
    paddler?.close();
    await cluster?.close();
  });

  it("answers health on the inference service", async () => {
    expect(await paddler.inference.health()).toBe("OK");
  });

  it("streams typed messages from continueFromConversationHistory, ending in Done", async () => {
    const messages: InferenceClientMessage[] = [];
    for await (const message of paddler.inference.continueFromConversationHistory({
      add_generation_prompt: true,
      conversation_history: [{ role: "user", content: "Tell me a story about a cat." }],
      enable_thinking: false,
      max_tokens: 30,
    })) {
      messages.push(message);
    }
    const tokens = messages.map(contentToken).filter((token) => token !== undefined);
    expect(tokens.length).toBe(30);
    expect(isDone(messages.at(-1))).toBe(true);
    const first = messages[0];
    expect(first && "Response" in first ? first.Response.generated_by : null).toBe("http-agent");
    // One request id on every message of the request.
    const ids = new Set(
      messages.map((message) => ("Response" in message ? message.Response.request_id : "")),
    );
    expect(ids.size).toBe(1);
  });

  it("streams continueFromRawPrompt, and text() collects the same content", async () => {
    const params = { raw_prompt: "Lily went to the park", max_tokens: 25 };
    const streamed: string[] = [];
    let last: InferenceClientMessage | undefined;
    for await (const message of paddler.inference.continueFromRawPrompt(params)) {
      const token = contentToken(message);
      if (token !== undefined) streamed.push(token);
      last = message;
    }
    expect(isDone(last)).toBe(true);
    expect(streamed.length).toBe(25);
    // temperature 0: the same prompt gives the same text.
    const text = await paddler.inference.continueFromRawPrompt(params).text();
    expect(text).toBe(streamed.join(""));
    expect(text.length).toBeGreaterThan(0);
  });

  it("text() on a conversation returns the generated content", async () => {
    const text = await paddler.inference
      .continueFromConversationHistory({
        add_generation_prompt: true,
        conversation_history: [{ role: "user", content: "Hello" }],
        enable_thinking: false,
        max_tokens: 10,
      })
      .text();
    expect(text.length).toBeGreaterThan(0);
  });

  it("aborting mid-stream throws `aborted` and the balancer frees the slot", async () => {
    const controller = new AbortController();
    const { tokens, messages, error } = await iterateUntilError(
      paddler.inference.continueFromRawPrompt(longStory, { signal: controller.signal }),
      5,
      async () => {
        expect(await slotsProcessing(paddler)).toBe(1);
        controller.abort();
      },
    );
    expect(tokens.length).toBeGreaterThanOrEqual(5);
    expect(tokens.length).toBeLessThan(longStory.max_tokens);
    expect(messages.some(isDone)).toBe(false);
    expectPaddlerError(error, "aborted");
    await waitForIdleSlots(paddler);
  });

  it("leaving the loop early closes the request and frees the slot", async () => {
    let seen = 0;
    for await (const message of paddler.inference.continueFromConversationHistory({
      add_generation_prompt: true,
      conversation_history: [{ role: "user", content: "Tell me a long story." }],
      enable_thinking: false,
      max_tokens: longStory.max_tokens,
    })) {
      if (contentToken(message) !== undefined) seen += 1;
      if (seen === 3) break;
    }
    expect(seen).toBe(3);
    await waitForIdleSlots(paddler);
    // The cluster still serves after the cancellations.
    expect(
      (await paddler.inference.continueFromRawPrompt({ raw_prompt: "Tom", max_tokens: 5 }).text()).length,
    ).toBeGreaterThan(0);
  });

  it("an already-aborted signal fails with `aborted` and sends nothing", async () => {
    const controller = new AbortController();
    controller.abort();
    const { error } = await iterateUntilError(
      paddler.inference.continueFromRawPrompt(longStory, { signal: controller.signal }),
      1,
      () => {},
    );
    expectPaddlerError(error, "aborted");
    expect(await slotsProcessing(paddler)).toBe(0);
  });
});

describe("@paddler/client embeddings over HTTP, against a real cluster in embeddings mode", () => {
  let cluster: TestCluster;
  let paddler: PaddlerClient;
  beforeAll(async () => {
    cluster = await startTestCluster({
      desiredState: testDesiredState({
        inference_parameters: { ...testDesiredState().inference_parameters, enable_embeddings: true },
      }),
      agents: [{ slots: 2, name: "embedder" }],
    });
    await cluster.waitForSlots(2);
    paddler = clientFor(cluster);
  });
  afterAll(async () => {
    paddler?.close();
    await cluster?.close();
  });

  const input_batch = [
    { id: "llama", content: "The llama ate grass." },
    { id: "alpaca", content: "An alpaca is smaller than a llama." },
    { id: "cat", content: "The cat sat on the mat." },
  ];

  it("generateEmbeddingBatch streams one embedding per document, then Done", async () => {
    const messages: InferenceClientMessage[] = [];
    for await (const message of paddler.inference.generateEmbeddingBatch({
      input_batch,
      normalization_method: "L2",
    })) {
      messages.push(message);
    }
    const last = messages.at(-1);
    expect(last && "Response" in last ? last.Response.response : null).toEqual({ Embedding: "Done" });
    const ids = messages.flatMap((message) => {
      if (!("Response" in message)) return [];
      const { response } = message.Response;
      if (typeof response !== "object" || !("Embedding" in response)) return [];
      const result = response.Embedding;
      return typeof result === "object" && "Embedding" in result ? [result.Embedding.source_document_id] : [];
    });
    expect(ids.sort()).toEqual(["alpaca", "cat", "llama"]);
  });

  it("collectEmbeddings gathers L2-normalized vectors for every document", async () => {
    const embeddings = await collectEmbeddings(
      paddler.inference.generateEmbeddingBatch({ input_batch, normalization_method: "L2" }),
    );
    expect(embeddings.map((embedding) => embedding.source_document_id).sort()).toEqual([
      "alpaca",
      "cat",
      "llama",
    ]);
    for (const embedding of embeddings) {
      expect(embedding.embedding.length).toBeGreaterThan(0);
      expect(embedding.normalization_method).toBe("L2");
      const norm = Math.hypot(...embedding.embedding);
      expect(norm).toBeCloseTo(1, 3);
    }
  });

  it("refuses token generation in embeddings mode with a typed http_error", async () => {
    let caught: unknown;
    try {
      await paddler.inference.continueFromRawPrompt({ raw_prompt: "Hi", max_tokens: 5 }).text();
    } catch (error) {
      caught = error;
    }
    const error = expectPaddlerError(caught, "http_error");
    expect(error.status).toBe(501);
  });
});
