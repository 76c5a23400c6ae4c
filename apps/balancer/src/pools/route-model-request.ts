import { getConnInfo } from "@hono/node-server/conninfo";
import type { ConversationMessage } from "@paddler/protocol";
import type { Context } from "hono";
import type { ClusterState } from "../cluster/cluster-state.js";
import { ModelNotFoundError } from "../errors.js";
import type { Fleet } from "./fleet.js";
import { SESSION_HEADER, sessionKeyFrom } from "./native-pool.js";

/** The parts of an OpenAI or Anthropic body that route it and name its session. */
export interface ModelRequestFields {
  model: string;
  /** OpenAI's cache routing hint. */
  prompt_cache_key?: string | null | undefined;
  /** OpenAI's end-user id (Anthropic: metadata.user_id). */
  user?: string | null | undefined;
  /** The system prompt's text, where a user name may be written (llama-balancer's fallback). */
  systemText?: string | undefined;
}

export interface ModelRequestRoute {
  pool: string;
  cluster: ClusterState;
  /** For pools whose policy is sticky; undefined when nothing identifies the client. */
  sessionKey: string | undefined;
}

/** "user: alice", "username = alice", "user name: alice" in a system prompt. */
const systemUserName = /\buser(?:[ _-]?name)?\s*[:=]\s*["']?([\p{L}\p{N}._@-]{1,64})/iu;

function clientAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    // Served without a socket (app.request() in tests): no address to stick to.
    return undefined;
  }
}

/**
 * Routes an OpenAI or Anthropic request by its `model` (see `resolveModelPool`) and finds its
 * session key: X-Session-Id, then `prompt_cache_key`, then `user`, then a user name written in the
 * system prompt, then the client's address. A model no pool serves is a `ModelNotFoundError`
 * naming the model and listing what is served (pools and aliases), for each API to shape.
 */
export function routeModelRequest(fleet: Fleet, c: Context, fields: ModelRequestFields): ModelRequestRoute {
  const match = fleet.resolveModel(fields.model);
  if (match === null) throw new ModelNotFoundError(fields.model, servedModelNames(fleet));
  const named =
    sessionKeyFrom(c.req.header(SESSION_HEADER)) ??
    sessionKeyFrom(fields.prompt_cache_key) ??
    sessionKeyFrom(fields.user) ??
    sessionKeyFrom(fields.systemText?.match(systemUserName)?.[1]);
  const sessionKey = named ?? sessionKeyFrom(clientAddress(c));
  return { pool: match.pool, cluster: fleet.require(match.pool), sessionKey };
}

/** Every name a request can use: the pools, then their aliases. */
export function servedModelNames(fleet: Fleet): string[] {
  return [...fleet.storedPools(), ...Object.keys(fleet.settings.aliases).sort()];
}

/** The text of a conversation's system (or developer) messages, for `ModelRequestFields.systemText`. */
export function systemTextOf(history: readonly ConversationMessage[]): string | undefined {
  const texts = history
    .filter((message) => message.role === "system" || message.role === "developer")
    .map((message) =>
      typeof message.content === "string"
        ? message.content
        : message.content.map((part) => (part.type === "text" ? part.text : "")).join(""),
    );
  return texts.length > 0 ? texts.join("\n") : undefined;
}
