import { emptyTokenUsage } from "@paddler/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chatCompletionStream } from "./chat-completion-stream.js";
import type { GenerationEvent } from "./generation-events.js";

async function* events(texts: string[]): AsyncGenerator<GenerationEvent> {
  for (const text of texts) yield { type: "content", text };
  yield { type: "done", usage: emptyTokenUsage(), finished: null };
}

describe("chatCompletionStream token chunks", () => {
  it("are byte for byte the JSON.stringify of the chunk object", async () => {
    const text = fc.string({ unit: "binary", minLength: 1 });
    await fc.assert(
      fc.asyncProperty(
        text,
        text,
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.boolean(),
        fc.array(text, { minLength: 1, maxLength: 5 }),
        async (id, model, created, includeUsage, texts) => {
          const messages: string[] = [];
          for await (const message of chatCompletionStream(events(texts), {
            id,
            model,
            created,
            maxTokens: 100,
            includeUsage,
          }))
            messages.push(message.data);
          texts.forEach((content, index) => {
            expect(messages[index + 1]).toBe(
              JSON.stringify({
                id,
                object: "chat.completion.chunk",
                created,
                model,
                system_fingerprint: null,
                choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
                ...(includeUsage ? { usage: null } : {}),
              }),
            );
          });
        },
      ),
      { numRuns: 50 },
    );
  }, 60_000);
});
