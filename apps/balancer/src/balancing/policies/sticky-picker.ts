import { pickLeastBusyAgent } from "../pick-least-busy-agent.js";
import type { AgentPicker } from "./agent-picker.js";

export interface StickyOptions {
  /** How long a session stays with its agent after its last request (llama-balancer: 3 minutes). */
  ttlMs?: number;
  /** Sessions remembered at most; the least recently used go first. About 150 bytes each. */
  maxSessions?: number;
  now?: () => number;
}

/**
 * `sticky`: a session (its key from X-Session-Id, prompt_cache_key, user, …) stays on the agent
 * that served it while that agent has a free slot and the session was active within the TTL;
 * otherwise it goes to the least busy agent, which becomes its agent. No key: least busy.
 */
export function createStickyPicker(options: StickyOptions = {}): AgentPicker & { readonly sessions: number } {
  const { ttlMs = 180_000, maxSessions = 100_000, now = Date.now } = options;
  const sessions = new Map<string, { agentId: string; expiresAt: number }>();

  return {
    get sessions() {
      return sessions.size;
    },
    pick(agents, hint) {
      const key = hint.sessionKey;
      const session = key === undefined ? undefined : sessions.get(key);
      if (session && session.expiresAt > now()) {
        const agent = agents.find((candidate) => candidate.id === session.agentId);
        if (agent && agent.slotsProcessing < agent.slotsTotal) return agent.id;
      }
      return pickLeastBusyAgent(agents);
    },
    leased(agentId, hint) {
      const key = hint.sessionKey;
      if (key === undefined) return;
      sessions.delete(key);
      sessions.set(key, { agentId, expiresAt: now() + ttlMs });
      while (sessions.size > maxSessions) {
        const oldest = sessions.keys().next();
        if (oldest.done) break;
        sessions.delete(oldest.value);
      }
    },
  };
}
