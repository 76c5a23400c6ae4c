import { type InferenceClientMessage, isTerminalGeneratedTokenResult } from "@paddler/protocol";

/** Whether a generation request is over after this message: an `Error`, `Done` or a terminal failure. */
export function isTerminalGenerationMessage(message: InferenceClientMessage): boolean {
  if ("Error" in message) return true;
  if (!("Response" in message)) return false;
  const { response } = message.Response;
  if (typeof response === "string") return true;
  if ("GeneratedToken" in response) return isTerminalGeneratedTokenResult(response.GeneratedToken);
  return false;
}
