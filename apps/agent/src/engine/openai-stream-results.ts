import { emptyTokenUsage, type GeneratedTokenResult, type ParsedToolCall } from "@paddler/protocol";
import { z } from "zod";
import { readSseData } from "./read-sse-data.js";

const toolCallDeltaSchema = z.object({
  index: z.number().int().optional(),
  id: z.string().optional(),
  function: z.object({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
});

const usageSchema = z.object({
  prompt_tokens: z.number().int().nonnegative().optional(),
  completion_tokens: z.number().int().nonnegative().optional(),
  prompt_tokens_details: z.object({ cached_tokens: z.number().int().nonnegative().optional() }).nullish(),
});

/** One streamed chunk of `/v1/chat/completions` or `/v1/completions`, as loosely as servers write them. */
const chunkSchema = z.object({
  choices: z
    .array(
      z.object({
        text: z.string().nullish(),
        delta: z
          .object({
            content: z.string().nullish(),
            reasoning_content: z.string().nullish(),
            reasoning: z.string().nullish(),
            tool_calls: z.array(toolCallDeltaSchema).nullish(),
          })
          .nullish(),
      }),
    )
    .nullish(),
  usage: usageSchema.nullish(),
  // llama-server adds how much of the prompt came from its cache.
  timings: z.object({ cache_n: z.number().int().nonnegative().optional() }).nullish(),
  error: z.unknown().optional(),
});

function parseArguments(text: string): ParsedToolCall["arguments"] {
  try {
    return { ValidJson: JSON.parse(text === "" ? "{}" : text) };
  } catch {
    return { InvalidJson: text };
  }
}

/**
 * Turns an OpenAI-style SSE stream (chat or text completions) into Paddler's results: content,
 * reasoning and tool-call tokens as they come, the parsed tool calls, then Done with usage.
 */
export async function* openAIStreamResults(
  body: ReadableStream<Uint8Array>,
  options: { parseToolCalls: boolean },
): AsyncGenerator<GeneratedTokenResult> {
  const usage = emptyTokenUsage();
  const toolCalls = new Map<number, { id: string; name: string; arguments: string }>();
  let reasoningChunks = 0;
  let toolCallChunks = 0;
  let contentChunks = 0;
  let completionTokens: number | null = null;
  for await (const data of readSseData(body)) {
    if (data === "[DONE]") break;
    const parsed = chunkSchema.safeParse(JSON.parse(data));
    if (!parsed.success) continue;
    const chunk = parsed.data;
    if (chunk.error !== undefined) {
      const message =
        typeof chunk.error === "object" && chunk.error !== null && "message" in chunk.error
          ? String((chunk.error as { message: unknown }).message)
          : JSON.stringify(chunk.error);
      yield { SamplerError: `the upstream failed mid-stream: ${message}` };
      return;
    }
    for (const choice of chunk.choices ?? []) {
      const text = choice.text ?? choice.delta?.content;
      if (text) {
        contentChunks++;
        yield { ContentToken: text };
      }
      const reasoning = choice.delta?.reasoning_content ?? choice.delta?.reasoning;
      if (reasoning) {
        reasoningChunks++;
        yield { ReasoningToken: reasoning };
      }
      for (const delta of choice.delta?.tool_calls ?? []) {
        const index = delta.index ?? 0;
        const call = toolCalls.get(index) ?? { id: "", name: "", arguments: "" };
        if (delta.id) call.id = delta.id;
        if (delta.function?.name) call.name += delta.function.name;
        if (delta.function?.arguments) {
          call.arguments += delta.function.arguments;
          toolCallChunks++;
          yield { ToolCallToken: delta.function.arguments };
        }
        toolCalls.set(index, call);
      }
    }
    if (chunk.usage) {
      usage.prompt_tokens = chunk.usage.prompt_tokens ?? usage.prompt_tokens;
      usage.cached_prompt_tokens =
        chunk.usage.prompt_tokens_details?.cached_tokens ?? usage.cached_prompt_tokens;
      completionTokens = chunk.usage.completion_tokens ?? completionTokens;
    }
    if (chunk.timings?.cache_n !== undefined) usage.cached_prompt_tokens = chunk.timings.cache_n;
  }
  if (toolCalls.size > 0 && options.parseToolCalls) {
    yield {
      ToolCallParsed: [...toolCalls.values()].map((call, index) => ({
        id: call.id || `call_${index}`,
        name: call.name,
        arguments: parseArguments(call.arguments),
      })),
    };
  }
  // Servers count completion tokens, not their kinds: the kinds are split by the chunks seen.
  usage.reasoning_tokens = reasoningChunks;
  usage.tool_call_tokens = toolCallChunks;
  usage.content_tokens = Math.max(
    0,
    (completionTokens ?? contentChunks + reasoningChunks + toolCallChunks) - reasoningChunks - toolCallChunks,
  );
  yield { Done: { usage } };
}
