import { DEFAULT_MODEL_POOL, modelPoolNameSchema } from "@paddler/protocol";
import type { ClusterState } from "../cluster/cluster-state.js";
import { InvalidRequestError } from "../errors.js";
import type { Fleet } from "./fleet.js";

/** The header a native API request names its pool in. */
export const POOL_HEADER = "x-paddler-pool";
/** The header a client names its session in, for pools whose policy is sticky. */
export const SESSION_HEADER = "x-session-id";

/**
 * The pool a native request runs in: `X-Paddler-Pool`, else the `pool` query parameter (which
 * browsers' WebSockets can send), else the default pool. An unknown pool is a 404 listing the pools.
 */
export function nativePool(
  fleet: Fleet,
  request: { header(name: string): string | undefined; query(name: string): string | undefined },
): { pool: string; cluster: ClusterState } {
  const named = request.header(POOL_HEADER) ?? request.query("pool");
  if (named === undefined || named === "") return { pool: DEFAULT_MODEL_POOL, cluster: fleet.default };
  const parsed = modelPoolNameSchema.safeParse(named);
  if (!parsed.success)
    throw new InvalidRequestError([
      { field: POOL_HEADER, reason: parsed.error.issues[0]?.message ?? "invalid" },
    ]);
  return { pool: parsed.data, cluster: fleet.require(parsed.data) };
}

/** A session key a client set, bounded so a hostile header cannot grow the sticky table's memory. */
export function sessionKeyFrom(value: string | undefined | null): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  return value.slice(0, 256);
}
