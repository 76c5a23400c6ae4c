import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentControllerSnapshot } from "@paddler/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson, readNdjson, waitUntil } from "./ndjson.js";
import { startTestCluster, type TestCluster, testDesiredState } from "./test-cluster.js";

describe("model loading, swapping and issues on a real agent", () => {
  let cluster: TestCluster;
  const agent = async (): Promise<AgentControllerSnapshot | undefined> =>
    (await cluster.agentsSnapshot()).agents[0];
  beforeAll(async () => {
    cluster = await startTestCluster({ agents: [{ slots: 2, name: "swapper" }] });
    await cluster.waitForSlots(2);
  });
  afterAll(() => cluster.close());

  it("registers and reports its status: model, slots, applied state", async () => {
    expect(await agent()).toMatchObject({
      name: "swapper",
      desired_slots_total: 2,
      slots_total: 2,
      slots_processing: 0,
      issues: [],
      uses_chat_template_override: true,
      state_application_status: "Applied",
      model_path: expect.stringContaining("stories260K.gguf"),
    });
    const metadata = await (
      await fetch(`${cluster.managementUrl}/api/v1/agent/${(await agent())?.id}/model_metadata`)
    ).json();
    expect(metadata.metadata["general.architecture"]).toBe("llama");
    const override = await (
      await fetch(`${cluster.managementUrl}/api/v1/agent/${(await agent())?.id}/chat_template_override`)
    ).json();
    expect(override.content).toContain("add_generation_prompt");
  });

  it("swaps the model while requests run: they finish first, then the agent reloads and serves", async () => {
    const running = Array.from({ length: 2 }, () =>
      postJson(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
        raw_prompt: "Once upon a time",
        max_tokens: 600,
      }).then(readNdjson),
    );
    await waitUntil(async () => (await agent())?.slots_processing === 2);
    const swapped = testDesiredState();
    swapped.inference_parameters = { ...swapped.inference_parameters, context_size: 1024 };
    await cluster.putDesiredState(swapped);
    for (const messages of await Promise.all(running)) {
      expect(messages.at(-1)).toMatchObject({ Response: { response: { GeneratedToken: { Done: {} } } } });
    }
    await cluster.waitForSlots(2);
    const after = await readNdjson(
      await postJson(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
        raw_prompt: "Lily",
        max_tokens: 5,
      }),
    );
    expect(after.at(-1)).toMatchObject({ Response: { response: { GeneratedToken: { Done: {} } } } });
  });

  it("applies new sampling and chat template settings without reloading the model", async () => {
    await waitUntil(
      async () => (await agent())?.slots_total === 2 && (await agent())?.uses_chat_template_override === true,
    );
    const agentStatus = cluster.agents[0]?.status;
    const seenSlotsTotal: number[] = [];
    const unsubscribe =
      agentStatus?.subscribe(() => seenSlotsTotal.push(agentStatus.fields.slots_total)) ?? (() => {});
    const changed = testDesiredState({ chat_template_override: null, use_chat_template_override: false });
    changed.inference_parameters = {
      ...changed.inference_parameters,
      context_size: 1024,
      temperature: 0.5,
      top_k: 10,
    };
    await cluster.putDesiredState(changed);
    await waitUntil(async () => (await agent())?.uses_chat_template_override === false);
    unsubscribe();
    expect(seenSlotsTotal.length).toBeGreaterThan(0);
    expect(seenSlotsTotal.every((slots) => slots === 2)).toBe(true);
    // Without a template, chat requests now fail clearly; raw prompts still work.
    const chat = await readNdjson(
      await postJson(`${cluster.inferenceUrl}/api/v1/continue_from_conversation_history`, {
        add_generation_prompt: true,
        conversation_history: [{ role: "user", content: "Hi" }],
        enable_thinking: false,
        max_tokens: 5,
      }),
    );
    expect(JSON.stringify(chat.at(-1))).toContain("ChatTemplateError");
  });

  it("reports a missing model as an issue, and clears it when fixed", async () => {
    await cluster.putDesiredState(testDesiredState({ model: { LocalToAgent: "/nowhere/model.gguf" } }));
    await waitUntil(async () => JSON.stringify((await agent())?.issues).includes("ModelFileDoesNotExist"));
    expect((await agent())?.issues).toEqual([
      { ModelFileDoesNotExist: { model_path: "/nowhere/model.gguf" } },
    ]);
    expect(["AttemptedAndRetrying", "Stuck"]).toContain((await agent())?.state_application_status);
    await cluster.putDesiredState(testDesiredState());
    await waitUntil(async () => {
      const current = await agent();
      return (
        current?.issues.length === 0 &&
        current.state_application_status === "Applied" &&
        current.slots_total === 2
      );
    });
  });

  it("reports a corrupt model file as ModelCannotBeLoaded and keeps running", async () => {
    const corrupt = join(tmpdir(), `corrupt-${process.pid}.gguf`);
    await writeFile(corrupt, "GGUF but not really a model");
    await cluster.putDesiredState(testDesiredState({ model: { LocalToAgent: corrupt } }));
    await waitUntil(async () => JSON.stringify((await agent())?.issues).includes("ModelCannotBeLoaded"));
    expect((await agent())?.issues).toEqual([{ ModelCannotBeLoaded: { model_path: corrupt } }]);
    await cluster.putDesiredState(testDesiredState());
    await waitUntil(async () => {
      const current = await agent();
      return (
        current?.issues.length === 0 &&
        current.state_application_status === "Applied" &&
        current.slots_total === 2
      );
    });
  });

  it("serves embeddings in embeddings mode and refuses token generation with 501", async () => {
    const embeddingsState = testDesiredState();
    embeddingsState.inference_parameters = {
      ...embeddingsState.inference_parameters,
      enable_embeddings: true,
    };
    await cluster.putDesiredState(embeddingsState);
    await waitUntil(
      async () =>
        (await agent())?.slots_total === 2 && (await agent())?.state_application_status === "Applied",
    );
    const messages = await readNdjson(
      await postJson(`${cluster.inferenceUrl}/api/v1/generate_embedding_batch`, {
        input_batch: [
          { id: "a", content: "Once upon a time" },
          { id: "b", content: "Lily liked the sun" },
          { id: "c", content: "Tom had a dog" },
        ],
        normalization_method: "L2",
      }),
    );
    const embeddings = messages.flatMap((message) =>
      "Response" in message &&
      typeof message.Response.response === "object" &&
      "Embedding" in message.Response.response &&
      typeof message.Response.response.Embedding === "object" &&
      "Embedding" in message.Response.response.Embedding
        ? [message.Response.response.Embedding.Embedding]
        : [],
    );
    expect(embeddings.map((embedding) => embedding.source_document_id).sort()).toEqual(["a", "b", "c"]);
    for (const embedding of embeddings) {
      expect(embedding.embedding).toHaveLength(64);
      expect(Math.hypot(...embedding.embedding)).toBeCloseTo(1, 3);
    }
    expect(messages.at(-1)).toMatchObject({
      Response: { generated_by: null, response: { Embedding: "Done" } },
    });
    const refused = await postJson(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
      raw_prompt: "x",
      max_tokens: 1,
    });
    expect(refused.status).toBe(501);
    await cluster.putDesiredState(testDesiredState());
    await cluster.waitForSlots(2);
  });
});
