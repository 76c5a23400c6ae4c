import { APIError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDesiredState } from "../test-cluster.js";
import { type OpenAITestCluster, startOpenAICluster } from "./openai-cluster.js";

function decodeBase64Floats(encoded: string): number[] {
  const bytes = Buffer.from(encoded, "base64");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.byteLength / 4 }, (_, index) => view.getFloat32(index * 4, true));
}

describe("POST /v1/embeddings with the openai client (cluster in embeddings mode)", () => {
  let t: OpenAITestCluster;
  beforeAll(async () => {
    const base = testDesiredState();
    t = await startOpenAICluster({
      desiredState: {
        ...base,
        inference_parameters: {
          ...base.inference_parameters,
          enable_embeddings: true,
          embedding_batch_size: 2,
        },
      },
    });
  });
  afterAll(() => t.cluster.close());

  it("embeds a string: 64 dimensions, unit length, estimated usage", async () => {
    const result = await t.openai.embeddings.create({
      model: "stories",
      input: "Once upon a time",
      encoding_format: "float",
    });
    expect(result.object).toBe("list");
    expect(result.model).toBe("stories");
    const vector = result.data[0]?.embedding ?? [];
    expect(vector).toHaveLength(64);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 4);
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
    expect(result.usage.total_tokens).toBe(result.usage.prompt_tokens);
  });

  it("embeds an array in order, split over chunks; base64 decodes to the float vectors", async () => {
    const input = ["Once upon a time", "The cat sat", "Lily went out", "A big dog", "The sun"];
    const floats = await t.openai.embeddings.create({ model: "m", input, encoding_format: "float" });
    expect(floats.data.map((entry) => entry.index)).toEqual([0, 1, 2, 3, 4]);
    // The raw response (the SDK decodes base64 itself when it asked for it implicitly).
    const response = await fetch(`${t.baseUrl}/embeddings`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ model: "m", input, encoding_format: "base64" }),
    });
    const base64 = (await response.json()) as { data: { index: number; embedding: string }[] };
    for (const [index, entry] of base64.data.entries()) {
      expect(typeof entry.embedding).toBe("string");
      const decoded = decodeBase64Floats(entry.embedding);
      const expected = floats.data[index]?.embedding ?? [];
      expect(decoded).toHaveLength(64);
      for (const [i, value] of decoded.entries()) expect(value).toBeCloseTo(expected[i] ?? Number.NaN, 5);
    }
    const single = await t.openai.embeddings.create({
      model: "m",
      input: input[3] ?? "",
      encoding_format: "float",
    });
    expect(single.data[0]?.embedding[0]).toBeCloseTo(floats.data[3]?.embedding[0] ?? Number.NaN, 5);
    // The SDK's default (base64 on the wire, decoded client-side) gives the same vectors.
    const viaSdk = await t.openai.embeddings.create({ model: "m", input });
    expect(viaSdk.data[1]?.embedding[5]).toBeCloseTo(floats.data[1]?.embedding[5] ?? Number.NaN, 5);
  });

  it("refuses chat completions in embeddings mode with a 400 in OpenAI's shape", async () => {
    const error = await t.openai.chat.completions
      .create({ model: "m", messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).code).toBe("token_generation_disabled");
    expect((error as APIError).type).toBe("invalid_request_error");
  });
});
