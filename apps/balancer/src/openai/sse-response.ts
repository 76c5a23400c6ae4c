import { textStreamResponse } from "../http/text-stream-response.js";

export interface SseMessage {
  /** The SSE `event:` name; chat and completions send unnamed events. */
  event?: string;
  data: string;
}

/** A `text/event-stream` response over an async iterable of events. */
export function sseResponse(messages: AsyncIterable<SseMessage>, onCancel: () => void): Response {
  async function* chunks() {
    for await (const { event, data } of messages)
      yield `${event ? `event: ${event}\n` : ""}data: ${data}\n\n`;
  }
  return textStreamResponse({
    chunks: chunks(),
    onCancel,
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
}
