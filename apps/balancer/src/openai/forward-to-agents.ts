import { DEFAULT_MODEL_POOL, FORWARD_HTTP_VERSION, type ForwardHttpRequest } from "@paddler/protocol";
import type { MiddlewareHandler } from "hono";
import type { AgentRegistry } from "../agents/agent-registry.js";
import type { DispatchEvent, Dispatcher } from "../dispatch/dispatcher.js";
import { OpenAIError } from "./openai-error.js";

/** Requests an HTTP-server engine can take as they came (OpenAI's, Anthropic's, llama-server's own). */
const forwardablePaths = new Set([
  "/v1/chat/completions",
  "/v1/completions",
  "/v1/embeddings",
  "/v1/messages",
  "/v1/messages/count_tokens",
  "/v1/rerank",
  "/rerank",
  "/tokenize",
  "/detokenize",
]);

/** End-to-end headers that shape the upstream's answer; credentials are the agent's own, never the client's. */
const forwardedHeaders = ["content-type", "accept", "anthropic-version", "anthropic-beta", "openai-beta"];

/**
 * Every agent of the default pool (where a request without a pool goes) offers ForwardHttp in a
 * version this balancer speaks, and there is at least one.
 */
export function allAgentsForward(registry: AgentRegistry): boolean {
  const agents = registry.snapshots(DEFAULT_MODEL_POOL);
  return (
    agents.length > 0 &&
    agents.every((agent) => (agent.engine?.forward_http_version ?? 0) >= FORWARD_HTTP_VERSION)
  );
}

function errorFor(event: Extract<DispatchEvent, { kind: "error" }>): OpenAIError {
  return new OpenAIError({ message: event.error.description, status: event.error.code });
}

/**
 * When every agent's engine is an HTTP server (llama-server, an OpenAI-compatible server), a
 * request on these paths goes to one of them as it came, through the usual buffer and slots, and
 * its reply comes back byte for byte: everything the upstream supports (logprobs, n, tools,
 * images, rerank) works through the balancer. A mixed or built-in fleet keeps the translation.
 */
export function forwardToAgents(deps: {
  registry: AgentRegistry;
  dispatcher: Dispatcher;
}): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== "POST" || !forwardablePaths.has(c.req.path) || !allAgentsForward(deps.registry))
      return next();
    const body = Buffer.from(await c.req.arrayBuffer());
    const headers: Record<string, string> = {};
    for (const name of forwardedHeaders) {
      const value = c.req.header(name);
      if (value !== undefined) headers[name] = value;
    }
    const url = new URL(c.req.url);
    const request: ForwardHttpRequest = {
      version: FORWARD_HTTP_VERSION,
      method: "POST",
      path: `${url.pathname}${url.search}`,
      headers,
      body_base64: body.toString("base64"),
    };
    const abort = new AbortController();
    const clientSignal = c.req.raw.signal;
    const signal = AbortSignal.any([abort.signal, clientSignal]);
    const events = deps.dispatcher.dispatch({ ForwardHttp: request }, signal, {
      requestId: c.get("requestId"),
    });
    const first = await events.next();
    if (first.done) throw new OpenAIError({ message: "The request was cancelled", status: 499 });
    const head = first.value;
    if (head.kind === "error") throw errorFor(head);
    const event =
      typeof head.response === "object" && "ForwardedHttp" in head.response
        ? head.response.ForwardedHttp
        : null;
    if (event === null || typeof event !== "object" || !("Head" in event)) {
      await events.return(undefined);
      const reason =
        event !== null && typeof event === "object" && "Failed" in event ? event.Failed : "no reply head";
      throw new OpenAIError({ message: `The agent's upstream failed: ${reason}`, status: 502 });
    }
    // The dispatcher holds the slot until its generator finishes: every way out returns it.
    const finish = () => events.return(undefined).then(() => undefined);
    const body$ = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await events.next().catch((error: unknown) => ({ done: false as const, value: error }));
        if (next.done) {
          controller.close();
          return;
        }
        const item = next.value as DispatchEvent;
        const reply =
          item.kind === "response" && typeof item.response === "object" && "ForwardedHttp" in item.response
            ? item.response.ForwardedHttp
            : null;
        if (reply !== null && typeof reply === "object" && "Chunk" in reply) {
          controller.enqueue(Buffer.from(reply.Chunk, "base64"));
          return;
        }
        await finish();
        if (reply === "End") {
          controller.close();
          return;
        }
        // A failure after the head cuts the reply short, as the upstream's own failure would.
        const reason =
          reply !== null && typeof reply === "object" && "Failed" in reply
            ? reply.Failed
            : item.kind === "error"
              ? item.error.description
              : "unexpected reply";
        controller.error(new Error(reason));
      },
      async cancel() {
        abort.abort();
        await finish();
      },
    });
    return new Response(body$, { status: event.Head.status, headers: event.Head.headers });
  };
}
