import {
  balancerDesiredStateSchema,
  fleetSettingsSchema,
  type ModelPoolName,
  modelPoolNameSchema,
  poolPolicySchema,
} from "@paddler/protocol";
import { Hono } from "hono";
import { z } from "zod";
import type { AgentRegistry } from "../../agents/agent-registry.js";
import type { SlotPools } from "../../balancing/slot-pools.js";
import { InvalidRequestError } from "../../errors.js";
import { parseJsonBody } from "../../http/parse-json-body.js";
import { snapshotSse } from "../../http/snapshot-sse.js";
import type { Fleet } from "../../pools/fleet.js";

export interface PoolsRoutesDeps {
  fleet: Fleet;
  registry: AgentRegistry;
  slots: SlotPools;
  /** Every change to agents, slots or buffers (pools change with them). */
  subscribe(listener: () => void): () => void;
}

/** A pool name from the path or a query, or a 400 naming where it came from. */
export function poolName(value: string, field = "pool"): ModelPoolName {
  const parsed = modelPoolNameSchema.safeParse(value);
  if (!parsed.success)
    throw new InvalidRequestError([{ field, reason: parsed.error.issues[0]?.message ?? "invalid" }]);
  return parsed.data;
}

const policyBodySchema = z.strictObject({ policy: poolPolicySchema });

/**
 * `/api/v1/pools`: every pool with its agents' slot totals, and per pool its desired state (a PUT
 * creates the pool), applicable state, agents, buffered requests and policy. DELETE refuses (409)
 * while agents serve the pool or something routes to it: see `Fleet.deletePool`.
 */
export function poolsRoutes({ fleet, registry, slots, subscribe }: PoolsRoutesDeps) {
  const list = () => ({ pools: fleet.summaries() });
  return new Hono()
    .get("/", (c) => c.json(list()))
    .get("/stream", (c) => snapshotSse(c, { subscribe, snapshot: list }))
    .get("/:pool/desired_state", (c) => c.json(fleet.require(poolName(c.req.param("pool"))).desired))
    .put("/:pool/desired_state", async (c) => {
      const pool = poolName(c.req.param("pool"));
      const state = await parseJsonBody(c, balancerDesiredStateSchema);
      const { created } = await fleet.setDesired(pool, state);
      return created ? c.body(null, 201) : c.body(null, 204);
    })
    .get("/:pool/applicable_state", (c) => c.json(fleet.require(poolName(c.req.param("pool"))).applicable))
    .get("/:pool/agents", (c) => c.json({ agents: registry.snapshots(poolName(c.req.param("pool"))) }))
    .get("/:pool/buffered_requests", (c) =>
      c.json({ buffered_requests_current: slots.pool(poolName(c.req.param("pool"))).bufferedCount }),
    )
    .get("/:pool/policy", (c) => {
      const pool = poolName(c.req.param("pool"));
      fleet.require(pool);
      return c.json({ policy: fleet.policyOf(pool) });
    })
    .put("/:pool/policy", async (c) => {
      const pool = poolName(c.req.param("pool"));
      fleet.require(pool);
      const { policy } = await parseJsonBody(c, policyBodySchema);
      await fleet.setSettings({
        ...fleet.settings,
        pool_policies: { ...fleet.settings.pool_policies, [pool]: policy },
      });
      return c.body(null, 204);
    })
    .delete("/:pool", async (c) => {
      await fleet.deletePool(poolName(c.req.param("pool")));
      return c.body(null, 204);
    });
}

/** `/api/v1/fleet_settings`: model-name aliases, routing rules, fallback pool, policies, agent moves. */
export function fleetSettingsRoutes({ fleet }: { fleet: Fleet }) {
  return new Hono()
    .get("/", (c) => c.json(fleet.settings))
    .put("/", async (c) => {
      await fleet.setSettings(await parseJsonBody(c, fleetSettingsSchema));
      return c.body(null, 204);
    });
}
