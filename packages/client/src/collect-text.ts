import {
  generatedTokenResultTag,
  type InferenceClientMessage,
  isTerminalGeneratedTokenResult,
} from "@paddler/protocol";
import { PaddlerError } from "./errors.js";

export interface CollectTextOptions {
  /** Also append `ReasoningToken`s (thinking). Default false: only `ContentToken`s. */
  includeReasoning?: boolean;
}

/**
 * Concatenates the content tokens of a generation stream until `Done`.
 * Throws a PaddlerError on an in-band `Error` (`inference_error`, `status` = its code),
 * on any other terminal result (`generation_error`, e.g. `GrammarSyntaxError`),
 * and when the stream ends without a terminal message (`incomplete_stream`).
 */
export async function collectText(
  stream: AsyncIterable<InferenceClientMessage>,
  { includeReasoning = false }: CollectTextOptions = {},
): Promise<string> {
  let text = "";
  for await (const message of stream) {
    if ("Error" in message) throw inBandError(message.Error);
    if (!("Response" in message)) continue;
    const { response } = message.Response;
    if (typeof response === "string" || !("GeneratedToken" in response)) continue;
    const result = response.GeneratedToken;
    if (typeof result === "object") {
      if ("ContentToken" in result) text += result.ContentToken;
      else if ("ReasoningToken" in result && includeReasoning) text += result.ReasoningToken;
      else if ("Done" in result) return text;
    }
    if (isTerminalGeneratedTokenResult(result)) {
      const tag = generatedTokenResultTag(result);
      const detail = typeof result === "object" ? Object.values(result)[0] : undefined;
      throw new PaddlerError({
        code: "generation_error",
        message: `Generation failed: ${tag}${typeof detail === "string" && detail ? `: ${detail}` : ""}`,
        body: message,
      });
    }
  }
  throw new PaddlerError({ code: "incomplete_stream", message: "The stream ended before Done" });
}

export function inBandError(envelope: { request_id: string; error: { code: number; description: string } }) {
  return new PaddlerError({
    code: "inference_error",
    message: `${envelope.error.code}: ${envelope.error.description}`,
    status: envelope.error.code,
    body: { Error: envelope },
  });
}
