import type { ResponsesInputItem } from "./responses-request.js";

export interface StoredResponse {
  /** The whole conversation that led to it, as input items (earlier turns resolved). */
  input: ResponsesInputItem[];
  /** Its output, as input items a next turn can reference. */
  output: ResponsesInputItem[];
}

/**
 * Responses kept for `previous_response_id` and `item_reference`: in memory, on this balancer
 * only, at most `maxResponses` (the oldest go first) and each for `ttlMs`.
 */
export function createResponseStore({
  maxResponses = 1000,
  ttlMs = 60 * 60 * 1000,
  now = Date.now,
}: {
  maxResponses?: number;
  ttlMs?: number;
  now?: () => number;
} = {}) {
  const responses = new Map<string, StoredResponse & { expiresAt: number }>();
  const items = new Map<string, { responseId: string; item: ResponsesInputItem }>();

  function evict(id: string) {
    const entry = responses.get(id);
    if (!entry) return;
    responses.delete(id);
    for (const item of entry.output) if ("id" in item && item.id) items.delete(item.id);
  }
  function live(id: string) {
    const entry = responses.get(id);
    if (entry && entry.expiresAt <= now()) {
      evict(id);
      return undefined;
    }
    return entry;
  }

  return {
    put(id: string, response: StoredResponse): void {
      while (responses.size >= maxResponses) {
        const oldest = responses.keys().next().value;
        if (oldest === undefined) break;
        evict(oldest);
      }
      responses.set(id, { ...response, expiresAt: now() + ttlMs });
      for (const item of [...response.input, ...response.output])
        if ("id" in item && item.id) items.set(item.id, { responseId: id, item });
    },
    get(id: string): StoredResponse | undefined {
      return live(id);
    },
    item(id: string): ResponsesInputItem | undefined {
      const found = items.get(id);
      if (!found) return undefined;
      return live(found.responseId) ? found.item : undefined;
    },
  };
}
export type ResponseStore = ReturnType<typeof createResponseStore>;
