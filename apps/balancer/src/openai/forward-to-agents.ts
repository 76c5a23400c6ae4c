import {
  DEFAULT_MODEL_POOL,
  FORWARD_HTTP_VERSION,
  type ForwardHttpRequest,
  parseJsonWithLimits,
} from "@paddler/protocol";
import type { Context, MiddlewareHandler } from "hono";
import type { AgentController } from "../agents/agent-controller.js";
import type { AgentRegistry } from "../agents/agent-registry.js";
import type { DispatchEvent, Dispatcher } from "../dispatch/dispatcher.js";
import { ModelNotFoundError } from "../errors.js";
import type { ModelRequestFields } from "../pools/route-model-request.js";
import { traceOrigin } from "../tracing/trace-origin.js";
import type { OpenAIModelRouter } from "./model-router.js";
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
 * Every agent of `pool` offers ForwardHttp in a version this balancer speaks, and there is at
 * least one.
 */
export function allAgentsForward(registry: AgentRegistry, pool: string = DEFAULT_MODEL_POOL): boolean {
  const agents = registry.inPool(pool);
  return agents.length > 0 && agents.every(forwards);
}

function forwards(agent: AgentController): boolean {
  return agent.forwardHttpVersion >= FORWARD_HTTP_VERSION;
}

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** The system prompt's text in an OpenAI (`messages`) or Anthropic (`system`) body, unvalidated. */
function systemTextIn(body: Record<string, unknown>): string | undefined {
  const parts: string[] = [];
  const add = (content: unknown) => {
    if (typeof content === "string") parts.push(content);
    else if (Array.isArray(content))
      for (const part of content) {
        const value = text((part as { text?: unknown } | null)?.text);
        if (value !== undefined) parts.push(value);
      }
  };
  add(body.system);
  if (Array.isArray(body.messages))
    for (const message of body.messages as ({ role?: unknown; content?: unknown } | null)[])
      if (message?.role === "system" || message?.role === "developer") add(message.content);
  return parts.length > 0 ? parts.join("\n") : undefined;
}

/**
 * What routes a body the balancer forwards without validating it: the fields the translated routes
 * route by (`model`, `prompt_cache_key`, `user` or Anthropic's `metadata.user_id`, the system
 * prompt). Null for a body without a `model` (`/tokenize`).
 */
function routingFields(raw: Buffer): ModelRequestFields | null | "unparsable" {
  // Not JSON, or over the limits: the translated route refuses it with the reason, in its shape.
  const parsed = parseJsonWithLimits(raw.toString("utf8"));
  if (!parsed.ok) return "unparsable";
  const body: unknown = parsed.value;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
  const fields = body as Record<string, unknown>;
  const model = text(fields.model);
  if (model === undefined) return null;
  const metadata = fields.metadata as { user_id?: unknown } | null | undefined;
  return {
    model,
    prompt_cache_key: text(fields.prompt_cache_key),
    user: text(fields.user) ?? text(metadata?.user_id),
    systemText: systemTextIn(fields),
  };
}

/**
 * The pool a forwarded request runs in, chosen as the translated routes choose it (by `model`,
 * through the same router); the default pool for a body without a model. Null when its `model`
 * names nothing served or the body cannot be read: the translated route then answers in its shape.
 */
function poolFor(
  c: Context,
  route: OpenAIModelRouter,
  raw: Buffer,
): { pool: string; sessionKey: string | undefined } | null {
  const fields = routingFields(raw);
  if (fields === "unparsable") return null;
  if (fields === null) return { pool: DEFAULT_MODEL_POOL, sessionKey: undefined };
  try {
    const target = route(c, fields);
    return { pool: target.pool, sessionKey: target.sessionKey };
  } catch (error) {
    if (error instanceof ModelNotFoundError) return null;
    throw error;
  }
}

function errorFor(event: Extract<DispatchEvent, { kind: "error" }>): OpenAIError {
  return new OpenAIError({ message: event.error.description, status: event.error.code });
}

/**
 * When every agent of the request's pool (routed by its `model`, as the translated routes route it)
 * has an HTTP server as its engine (llama-server, an OpenAI-compatible server), a request on these
 * paths goes to one of them as it came, through the usual buffer and slots, and its reply comes
 * back byte for byte: everything the upstream supports (logprobs, n, tools, images, rerank) works
 * through the balancer. A pool that mixes in built-in agents keeps the translation.
 */
export function forwardToAgents(deps: {
  registry: AgentRegistry;
  dispatcher: Dispatcher;
  route: OpenAIModelRouter;
}): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== "POST" || !forwardablePaths.has(c.req.path)) return next();
    // No agent anywhere forwards (a fleet of built-in engines): the body is not read here, so the
    // translated route reads it once, as text, and parses it once.
    if (!deps.registry.some(forwards)) return next();
    // Hono keeps the body read here for the translated route, should the request go on to it.
    const body = Buffer.from(await c.req.arrayBuffer());
    const target = poolFor(c, deps.route, body);
    if (target === null || !allAgentsForward(deps.registry, target.pool)) return next();
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
      pool: target.pool,
      sessionKey: target.sessionKey,
      trace: traceOrigin(c),
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
