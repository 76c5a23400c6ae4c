import { Hono } from "hono";
import type { AgentTimelineStore } from "../../agents/agent-timeline.js";

/** Joins, leaves, reloads, issues and drains (beyond Paddler), oldest first; `?agent=ID` for one agent. */
export function agentTimelineRoutes({ timeline }: { timeline: AgentTimelineStore }) {
  return new Hono().get("/", (c) => c.json({ events: timeline.events(c.req.query("agent")) }));
}
