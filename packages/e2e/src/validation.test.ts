import { defaultBalancerDesiredState } from "@paddler/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "./test-cluster.js";

interface Case {
  name: string;
  path: string;
  method: "POST" | "PUT";
  body: string;
  field: string;
}

describe("every endpoint refuses bad input with a 4xx naming the field", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster({ desiredState: null });
  });
  afterAll(() => cluster.close());

  const history = {
    add_generation_prompt: true,
    conversation_history: [],
    enable_thinking: false,
    max_tokens: 5,
  };
  const cases = (): Case[] => [
    {
      name: "raw prompt: not JSON",
      path: "i/api/v1/continue_from_raw_prompt",
      method: "POST",
      body: "{",
      field: "",
    },
    {
      name: "raw prompt: wrong type",
      path: "i/api/v1/continue_from_raw_prompt",
      method: "POST",
      body: JSON.stringify({ raw_prompt: 1, max_tokens: 1 }),
      field: "raw_prompt",
    },
    {
      name: "raw prompt: unknown key",
      path: "i/api/v1/continue_from_raw_prompt",
      method: "POST",
      body: JSON.stringify({ raw_prompt: "a", max_tokens: 1, temperature: 2 }),
      field: "temperature",
    },
    {
      name: "raw prompt: missing key",
      path: "i/api/v1/continue_from_raw_prompt",
      method: "POST",
      body: JSON.stringify({ raw_prompt: "a" }),
      field: "max_tokens",
    },
    {
      name: "history: not JSON",
      path: "i/api/v1/continue_from_conversation_history",
      method: "POST",
      body: "nope",
      field: "",
    },
    {
      name: "history: wrong type",
      path: "i/api/v1/continue_from_conversation_history",
      method: "POST",
      body: JSON.stringify({ ...history, enable_thinking: "yes" }),
      field: "enable_thinking",
    },
    {
      name: "history: image detail refused",
      path: "i/api/v1/continue_from_conversation_history",
      method: "POST",
      body: JSON.stringify({
        ...history,
        conversation_history: [
          { role: "user", content: [{ type: "image_url", image_url: { url: "data:x", detail: "high" } }] },
        ],
      }),
      field: "conversation_history.0.content.0.image_url.detail",
    },
    {
      name: "history: tool requires undefined property",
      path: "i/api/v1/continue_from_conversation_history",
      method: "POST",
      body: JSON.stringify({
        ...history,
        tools: [
          {
            type: "function",
            function: {
              name: "f",
              description: "d",
              parameters: { type: "object", properties: {}, required: ["x"] },
            },
          },
        ],
      }),
      field: "tools.0.function.parameters.required.0",
    },
    {
      name: "embeddings: wrong normalization",
      path: "i/api/v1/generate_embedding_batch",
      method: "POST",
      body: JSON.stringify({ input_batch: [], normalization_method: "L3" }),
      field: "normalization_method",
    },
    {
      name: "embeddings: unknown key",
      path: "i/api/v1/generate_embedding_batch",
      method: "POST",
      body: JSON.stringify({
        input_batch: [{ id: "a", content: "b", extra: 1 }],
        normalization_method: "L2",
      }),
      field: "input_batch.0.extra",
    },
    {
      name: "desired state: not JSON",
      path: "m/api/v1/balancer_desired_state",
      method: "PUT",
      body: "[",
      field: "",
    },
    {
      name: "desired state: unknown key",
      path: "m/api/v1/balancer_desired_state",
      method: "PUT",
      body: JSON.stringify({ ...defaultBalancerDesiredState, extra: true }),
      field: "extra",
    },
    {
      name: "desired state: wrong type",
      path: "m/api/v1/balancer_desired_state",
      method: "PUT",
      body: JSON.stringify({
        ...defaultBalancerDesiredState,
        inference_parameters: { ...defaultBalancerDesiredState.inference_parameters, top_k: "80" },
      }),
      field: "inference_parameters.top_k",
    },
    {
      name: "desired state: embedding_batch_size 0",
      path: "m/api/v1/balancer_desired_state",
      method: "PUT",
      body: JSON.stringify({
        ...defaultBalancerDesiredState,
        inference_parameters: {
          ...defaultBalancerDesiredState.inference_parameters,
          embedding_batch_size: 0,
        },
      }),
      field: "inference_parameters.embedding_batch_size",
    },
    {
      name: "desired state: image_resize_to_fit 0",
      path: "m/api/v1/balancer_desired_state",
      method: "PUT",
      body: JSON.stringify({
        ...defaultBalancerDesiredState,
        inference_parameters: { ...defaultBalancerDesiredState.inference_parameters, image_resize_to_fit: 0 },
      }),
      field: "inference_parameters.image_resize_to_fit",
    },
    {
      name: "desired state: bad model variant",
      path: "m/api/v1/balancer_desired_state",
      method: "PUT",
      body: JSON.stringify({ ...defaultBalancerDesiredState, model: { Ftp: "x" } }),
      field: "model",
    },
  ];

  it.each(cases().map((c) => [c.name, c] as const))("%s", async (_name, testCase) => {
    const base = testCase.path.startsWith("i/") ? cluster.inferenceUrl : cluster.managementUrl;
    const response = await fetch(`${base}${testCase.path.slice(1)}`, {
      method: testCase.method,
      headers: { "Content-Type": "application/json" },
      body: testCase.body,
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.field).toBe(testCase.field);
    expect(body.error.reason.length).toBeGreaterThan(0);
  });

  it("refuses an agent id that is not an id, naming the field", async () => {
    const response = await fetch(`${cluster.managementUrl}/api/v1/agent_socket/${"x".repeat(200)}`);
    expect(response.status).toBe(400);
    expect((await response.json()).error.field).toBe("agent_id");
  });

  it("answers 404 for an unknown agent's metadata and for unknown routes", async () => {
    expect((await fetch(`${cluster.managementUrl}/api/v1/agent/ghost/model_metadata`)).status).toBe(404);
    expect((await fetch(`${cluster.managementUrl}/api/v1/ghosts`)).status).toBe(404);
  });
});
