import type { ServerResponse } from "node:http";
import type { TextOut } from "../http/direct-stream.js";
import { pushTextResponse, textStreamResponse } from "../http/text-stream-response.js";

export interface SseMessage {
  /** The SSE `event:` name; chat and completions send unnamed events. */
  event?: string;
  data: string;
}

const sseHeaders = {
  "Content-Type": "text/event-stream; charset=utf-8",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
};

/** One message as it goes on the wire. */
export function sseText({ event, data }: SseMessage): string {
  return `${event ? `event: ${event}\n` : ""}data: ${data}\n\n`;
}

/** A `text/event-stream` response over an async iterable of events. */
export function sseResponse(messages: AsyncIterable<SseMessage>, onCancel: () => void): Response {
  async function* chunks() {
    for await (const message of messages) yield sseText(message);
  }
  return textStreamResponse({ chunks: chunks(), onCancel, headers: sseHeaders });
}

/** The same for messages written by calls as they come (see pushTextResponse); `out` takes sseText. */
export function ssePushResponse(
  start: (out: TextOut) => void,
  onCancel: () => void,
  direct?: ServerResponse,
): Response {
  return pushTextResponse({ start, onCancel, headers: sseHeaders, direct });
}
