import type { ForwardedHttpEvent, ForwardHttpRequest } from "@paddler/protocol";
import type { EngineRequestOptions, InferenceEngine } from "./inference-engine.js";

/**
 * An engine that is an HTTP server (llama-server, any OpenAI-compatible server) and can take a
 * client's request as it came: the agent forwards it and streams the reply back byte for byte.
 */
export interface HttpForwardingEngine extends InferenceEngine {
  /**
   * Sends the request to the upstream on one of this engine's slots. Ends with exactly one End or
   * Failed event unless the signal aborts it, in which case it ends quietly and the slot is free.
   */
  forwardHttp(
    request: ForwardHttpRequest,
    signal: AbortSignal,
    options?: EngineRequestOptions,
  ): AsyncIterable<ForwardedHttpEvent>;
}

export function canForwardHttp(engine: InferenceEngine): engine is HttpForwardingEngine {
  return typeof (engine as Partial<HttpForwardingEngine>).forwardHttp === "function";
}
