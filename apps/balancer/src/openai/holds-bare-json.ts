import type { ContinueFromConversationHistoryParams } from "@paddler/protocol";

/**
 * Tools were offered and no grammar forces the output: an answer that starts like JSON is held
 * back until it is known to be a tool call or text.
 */
export function holdsBareJson(
  params: Pick<ContinueFromConversationHistoryParams, "tools" | "grammar">,
): boolean {
  return (params.tools ?? []).length > 0 && !params.grammar;
}
