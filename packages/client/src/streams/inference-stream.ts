import type { InferenceClientMessage } from "@paddler/protocol";
import { collectText } from "../collect-text.js";
import { PaddlerError } from "../errors.js";

/**
 * The messages of one generation request, in order. Iterate it once with `for await`;
 * the request is sent when iteration starts, and leaving the loop early cancels it.
 */
export interface InferenceStream extends AsyncIterable<InferenceClientMessage> {
  /** Iterates the stream and returns the generated content (see `collectText`). */
  text(): Promise<string>;
}

export function createInferenceStream(start: () => AsyncIterator<InferenceClientMessage>): InferenceStream {
  let consumed = false;
  const stream: InferenceStream = {
    [Symbol.asyncIterator]() {
      if (consumed) {
        throw new PaddlerError({
          code: "invalid_request",
          message: "An inference stream can be iterated only once; call the method again for a new request",
        });
      }
      consumed = true;
      return start();
    },
    text: () => collectText(stream),
  };
  return stream;
}
