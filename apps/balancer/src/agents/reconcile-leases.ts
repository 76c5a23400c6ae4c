/** What the balancer remembers of one request it sent to an agent and holds a slot for. */
export interface LeaseRecord {
  readonly sentAt: number;
  /** When the agent's report first left this request out (null while the agent lists it). */
  missingSince: number | null;
  /**
   * How many frames the balancer had sent on the agent's socket once this request's frame was
   * sent: a report that counts fewer received frames was taken before the agent read the request.
   */
  frame?: number | undefined;
}

export interface LeaseDrift {
  /** Leases the agent does not know of: their slots are free on the agent, so release them here. */
  release: string[];
  /** Requests the agent runs that the balancer holds no lease for: stop them on the agent. */
  cancelOnAgent: string[];
}

export interface ReconcileLeasesOptions {
  leases: ReadonlyMap<string, LeaseRecord>;
  /** Requests running on the agent that no lease covers, with when each was first seen; updated in place. */
  strays: Map<string, number>;
  /** The agent's own list of the requests it runs (its `agent_slots` report). */
  runningOnAgent: readonly string[];
  /** The report's `frames_received`, when the agent counts them. */
  framesReceived?: number | undefined;
  now: number;
  /**
   * How long a difference must last before it counts as drift. It covers a request on its way to
   * the agent, a report sent before the agent saw it, and a stop on its way back.
   */
  graceMs: number;
}

/**
 * Compares the balancer's leases on one agent with what the agent says it runs. The agent is the
 * authority: a difference that outlasts the grace period is drift, and the caller heals it.
 * Updates `missingSince` and `strays` so a difference is judged across reports.
 */
export function reconcileLeases({
  leases,
  strays,
  runningOnAgent,
  framesReceived,
  now,
  graceMs,
}: ReconcileLeasesOptions): LeaseDrift {
  const running = new Set(runningOnAgent);
  const drift: LeaseDrift = { release: [], cancelOnAgent: [] };
  for (const [id, lease] of leases) {
    // Listed, or not read by the agent when it took the report: nothing is known against it. (Its
    // terminal reply, if it has one, comes before any report taken after the agent read it.)
    const unread = framesReceived !== undefined && lease.frame !== undefined && framesReceived < lease.frame;
    if (running.has(id) || unread) {
      lease.missingSince = null;
      continue;
    }
    lease.missingSince ??= now;
    if (now - lease.sentAt >= graceMs && now - lease.missingSince >= graceMs) drift.release.push(id);
  }
  for (const id of strays.keys()) {
    if (!running.has(id) || leases.has(id)) strays.delete(id);
  }
  for (const id of running) {
    if (leases.has(id)) continue;
    const firstSeen = strays.get(id);
    if (firstSeen === undefined) strays.set(id, now);
    else if (now - firstSeen >= graceMs) {
      drift.cancelOnAgent.push(id);
      // Asked again only after another grace period, should the agent keep running it.
      strays.set(id, now);
    }
  }
  return drift;
}
