import type { DispatchEvent } from "../../dispatch/dispatcher.js";

/**
 * Serialises one request's dispatch events as Paddler's client messages, byte for byte what
 * `JSON.stringify(toClientMessage(event, requestId))` gives (generation.ts), with the constant part of each
 * Response (`generated_by`, `request_id`) built once instead of once per token.
 */
export function clientMessageSerializer(requestId: string): (event: DispatchEvent) => string {
  const idJson = JSON.stringify(requestId);
  let generatedBy: string | null | undefined;
  let prefix = "";
  return (event) => {
    if (event.kind === "error")
      return JSON.stringify({ Error: { request_id: requestId, error: event.error } });
    if (event.generatedBy !== generatedBy || prefix === "") {
      generatedBy = event.generatedBy;
      prefix = `{"Response":{"generated_by":${JSON.stringify(generatedBy)},"request_id":${idJson},"response":`;
    }
    return `${prefix}${JSON.stringify(event.response)}}}`;
  };
}
