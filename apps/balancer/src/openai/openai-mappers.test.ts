import { emptyTokenUsage } from "@paddler/protocol";
import { describe, expect, it } from "vitest";
import { chatCompletionRequestSchema } from "./chat-completion-request.js";
import { chatCompletionStream } from "./chat-completion-stream.js";
import { encodeEmbeddingBase64 } from "./encode-embedding.js";
import type { GenerationEvent } from "./generation-events.js";
import { modelId } from "./model-id.js";
import { OpenAIError } from "./openai-error.js";
import { toSamplingOverrides } from "./request-fields.js";
import { toChatAgentParams } from "./to-chat-agent-request.js";

const usage = { ...emptyTokenUsage(), prompt_tokens: 5, content_tokens: 2 };

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of source) items.push(item);
  return items;
}

async function* events(...items: GenerationEvent[]) {
  yield* items;
}

describe("OpenAI mappers", () => {
  it("maps sampling fields, wrapping seeds into uint32 and dropping empty stop strings", () => {
    expect(
      toSamplingOverrides({ temperature: 0, presence_penalty: 1, seed: -1, stop: ["", "END"], top_k: 3 }),
    ).toEqual({ temperature: 0, penalty_presence: 1, seed: 2 ** 32 - 1, stop: ["END"], top_k: 3 });
    expect(toSamplingOverrides({})).toBeUndefined();
  });

  it("maps a chat request: grammar turns thinking off, tools, developer and tool-call history", () => {
    const body = chatCompletionRequestSchema.parse({
      model: "m",
      messages: [
        { role: "developer", content: "be brief" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "1", type: "function", function: { name: "f", arguments: '{"a":1}' } }],
        },
        { role: "tool", tool_call_id: "1", content: [{ type: "text", text: "ok" }] },
      ],
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
      response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } },
      stop: "END",
    });
    const params = toChatAgentParams(body);
    expect(params).toMatchObject({
      add_generation_prompt: true,
      enable_thinking: false,
      // No max_tokens: what fits in the slot; the JSON schema is compiled to GBNF here.
      max_tokens: -1,
      report_finish: true,
      grammar: { type: "gbnf", root: "root" },
      parse_tool_calls: true,
      tools: [{ type: "function", function: { name: "f", description: "" } }],
      sampling: { stop: ["END"] },
      conversation_history: [
        { role: "system", content: "be brief" },
        { role: "assistant", content: '<tool_call>\n{"name":"f","arguments":{"a":1}}\n</tool_call>' },
        { role: "tool", content: "ok" },
      ],
    });
  });

  it("keeps thinking on without a grammar unless reasoning_effort is none", () => {
    const base = { model: "m", messages: [{ role: "user", content: "hi" }] };
    expect(toChatAgentParams(chatCompletionRequestSchema.parse(base)).enable_thinking).toBe(true);
    expect(
      toChatAgentParams(chatCompletionRequestSchema.parse({ ...base, reasoning_effort: "none" }))
        .enable_thinking,
    ).toBe(false);
  });

  it("streams chat chunks with reasoning, finish, usage and [DONE]; an error ends the stream in-band", async () => {
    const options = { id: "c", model: "m", created: 1, maxTokens: 2, includeUsage: true };
    const ok = await collect(
      chatCompletionStream(
        events(
          { type: "reasoning", text: "hm" },
          { type: "content", text: "hi" },
          { type: "done", usage, finished: null },
        ),
        options,
      ),
    );
    const parsed = ok.slice(0, -1).map((message) => JSON.parse(message.data));
    expect(parsed.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: "assistant", content: "" },
      { reasoning_content: "hm" },
      { content: "hi" },
      {},
      undefined,
    ]);
    expect(parsed[3].choices[0].finish_reason).toBe("length");
    expect(parsed[4].usage.total_tokens).toBe(7);
    expect(ok.at(-1)?.data).toBe("[DONE]");

    const failed = await collect(
      chatCompletionStream(
        events(
          { type: "content", text: "hi" },
          { type: "error", error: new OpenAIError({ message: "gone", status: 502 }) },
        ),
        options,
      ),
    );
    expect(JSON.parse(failed.at(-1)?.data ?? "")).toEqual({
      error: { message: "gone", type: "server_error", param: null, code: null },
    });
  });

  it("derives model ids and encodes base64 embeddings as little-endian float32", () => {
    expect(modelId({ LocalToAgent: "/models/a/b.gguf" })).toBe("b.gguf");
    expect(modelId({ HuggingFace: { repo_id: "o/r", filename: "x.gguf", revision: "main" } })).toBe(
      "o/r/x.gguf",
    );
    expect(modelId({ Url: { url: "https://h/p/m%20q.gguf?x=1" } })).toBe("m q.gguf");
    expect(modelId("None")).toBeNull();
    expect(encodeEmbeddingBase64([1, -2])).toBe(
      Buffer.from([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]).toString("base64"),
    );
  });
});
