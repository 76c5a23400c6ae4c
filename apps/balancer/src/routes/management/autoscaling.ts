import { Hono } from "hono";
import type { AutoscalingSignal } from "../../autoscaling/autoscaling-signal.js";

/** `GET /api/v1/autoscaling`: per pool, the agents the current load asks for, with the inputs and the rule. */
export function autoscalingRoutes({ signal }: { signal: AutoscalingSignal }) {
  return new Hono().get("/", (c) => c.json(signal.report()));
}
