import {
  type AgentToBalancerMessage,
  agentToBalancerMessageSchema,
  exceedsJsonLimits,
  formatZodError,
  parseJsonWithLimits,
} from "@paddler/protocol";
import { countKeys, isPlainObject } from "../http/fast-body-checks.js";

/** A refused frame carries the close code: 1009 for one past the JSON limits, 1007 for the rest. */
export type ParsedAgentFrame =
  | { ok: true; message: AgentToBalancerMessage }
  | { ok: false; reason: string; closeCode: 1007 | 1009 };

const tokenKinds = new Set(["ContentToken", "ReasoningToken", "ToolCallToken", "UndeterminableToken"]);

/**
 * The one frame an agent sends per generated token, checked by hand: the same strict rules as the
 * schema (exact keys, string values), without zod trying every variant of the union on the hot path.
 */
function asTokenFrame(json: unknown): AgentToBalancerMessage | null {
  if (!isPlainObject(json) || countKeys(json) !== 1) return null;
  const envelope = json.Response;
  if (!isPlainObject(envelope) || countKeys(envelope) !== 3) return null;
  const { generated_by, request_id, response } = envelope;
  if (typeof request_id !== "string" || request_id.length === 0 || request_id.length > 256) return null;
  if (generated_by !== null && typeof generated_by !== "string") return null;
  if (!isPlainObject(response) || countKeys(response) !== 1) return null;
  const token = response.GeneratedToken;
  if (!isPlainObject(token) || countKeys(token) !== 1) return null;
  for (const kind in token) {
    if (!tokenKinds.has(kind) || typeof token[kind] !== "string") return null;
  }
  return json as AgentToBalancerMessage;
}

/**
 * A frame this short is parsed before the limits are scanned: whatever it holds, JSON.parse builds
 * at most a few thousand values from it, and a token frame (checked next, four levels deep) needs no
 * scan at all. Every other frame is scanned before zod walks it, as a long one is before parsing.
 */
const PARSE_FIRST_BELOW = 4096;

/** Parses and validates one agent frame; token frames take a fast path, everything else the schema. */
export function parseAgentFrame(data: string): ParsedAgentFrame {
  let json: unknown;
  if (data.length < PARSE_FIRST_BELOW) {
    try {
      json = JSON.parse(data);
    } catch {
      return notJson;
    }
    const token = asTokenFrame(json);
    if (token) return { ok: true, message: token };
    const breach = exceedsJsonLimits(data);
    if (breach !== null) return { ok: false, reason: breach, closeCode: 1009 };
  } else {
    const parsed = parseJsonWithLimits(data);
    if (!parsed.ok)
      return parsed.kind === "limit" ? { ok: false, reason: parsed.reason, closeCode: 1009 } : notJson;
    json = parsed.value;
    const token = asTokenFrame(json);
    if (token) return { ok: true, message: token };
  }
  const message = agentToBalancerMessageSchema.safeParse(json);
  return message.success
    ? { ok: true, message: message.data }
    : { ok: false, reason: `invalid frame: ${formatZodError(message.error)}`, closeCode: 1007 };
}

const notJson: ParsedAgentFrame = { ok: false, reason: "frame is not JSON", closeCode: 1007 };
