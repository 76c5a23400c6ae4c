import {
  createPaddlerClient,
  type InferenceClientMessage,
  isPaddlerError,
  type PaddlerClient,
  type PaddlerClientOptions,
  type PaddlerError,
} from "@paddler/client";
import WebSocket from "ws";
import { waitUntil } from "../ndjson.js";
import type { TestCluster } from "../test-cluster.js";

/** A client for a test cluster, with `ws` (Node 20 has no global WebSocket) and quick reconnects. */
export function clientFor(cluster: TestCluster, options: PaddlerClientOptions = {}): PaddlerClient {
  return createPaddlerClient({
    inferenceUrl: cluster.inferenceUrl,
    managementUrl: cluster.managementUrl,
    WebSocket,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    ...options,
  });
}

/** Long enough (no EOS in stories260K) to keep a slot busy for seconds. */
export const longStory = { raw_prompt: "Once upon a time", max_tokens: 1900 };

export function contentToken(message: InferenceClientMessage): string | undefined {
  if (!("Response" in message)) return undefined;
  const { response } = message.Response;
  if (typeof response !== "object" || !("GeneratedToken" in response)) return undefined;
  const token = response.GeneratedToken;
  return typeof token === "object" && "ContentToken" in token ? token.ContentToken : undefined;
}

export function isDone(message: InferenceClientMessage | undefined): boolean {
  if (!message || !("Response" in message)) return false;
  const { response } = message.Response;
  return (
    typeof response === "object" &&
    "GeneratedToken" in response &&
    typeof response.GeneratedToken === "object" &&
    "Done" in response.GeneratedToken
  );
}

/**
 * Iterates `stream`, calls `onTokens` once `after` content tokens have arrived, and keeps iterating
 * until the stream ends or throws. Returns the tokens seen and what was thrown (if anything).
 */
export async function iterateUntilError(
  stream: AsyncIterable<InferenceClientMessage>,
  after: number,
  onTokens: () => void | Promise<void>,
): Promise<{ tokens: string[]; messages: InferenceClientMessage[]; error: unknown }> {
  const tokens: string[] = [];
  const messages: InferenceClientMessage[] = [];
  let fired = false;
  try {
    for await (const message of stream) {
      messages.push(message);
      const token = contentToken(message);
      if (token !== undefined) tokens.push(token);
      if (!fired && tokens.length >= after) {
        fired = true;
        await onTokens();
      }
    }
  } catch (error) {
    return { tokens, messages, error };
  }
  return { tokens, messages, error: undefined };
}

export function expectPaddlerError(error: unknown, code: PaddlerError["code"]): PaddlerError {
  if (!isPaddlerError(error)) throw new Error(`expected a PaddlerError ${code}, got ${String(error)}`);
  if (error.code !== code)
    throw new Error(`expected PaddlerError ${code}, got ${error.code}: ${error.message}`);
  return error;
}

export async function slotsProcessing(paddler: PaddlerClient): Promise<number> {
  const { agents } = await paddler.management.agents();
  return agents.reduce((sum, agent) => sum + agent.slots_processing, 0);
}

/** Polls GET /api/v1/agents (through the client) until no slot is processing. */
export async function waitForIdleSlots(paddler: PaddlerClient, timeoutMs = 30_000): Promise<void> {
  await waitUntil(async () => (await slotsProcessing(paddler)) === 0, timeoutMs);
}

/** Resolves with the first value of `iterator` that passes `check`, reading on from where it is. */
export async function nextMatching<T>(
  iterator: AsyncIterator<T>,
  check: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("no matching value in time")), timeoutMs);
  });
  try {
    for (;;) {
      const result = await Promise.race([iterator.next(), timeout]);
      if (result.done) throw new Error("the iterator ended before a matching value");
      if (check(result.value)) return result.value;
    }
  } finally {
    clearTimeout(timer);
  }
}
