import type { PaddlerClient } from "@paddler/client";
import { queryOptions } from "@tanstack/react-query";
import { z } from "zod";

/** The balancer's `/health` body while the shared state database is away (plain "OK" otherwise). */
const degradedHealthSchema = z.object({
  status: z.literal("degraded"),
  state_database: z.object({
    available: z.literal(false),
    since: z.iso.datetime(),
    reason: z.string().nullable(),
  }),
});

export type StateDatabaseStatus =
  | { available: true }
  | { available: false; since: number; reason: string | null };

/** Reads `/health`: "OK" means available; the degraded JSON says since when and why not. */
export function parseStateDatabaseStatus(body: string): StateDatabaseStatus {
  if (body.trim() === "OK") return { available: true };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Error(`unexpected /health body: ${body.slice(0, 80)}`);
  }
  const parsed = degradedHealthSchema.safeParse(json);
  if (!parsed.success) throw new Error(`unexpected /health body: ${z.prettifyError(parsed.error)}`);
  return {
    available: false,
    since: Date.parse(parsed.data.state_database.since),
    reason: parsed.data.state_database.reason,
  };
}

/**
 * Whether the balancer reaches its state database, polled (the balancer pushes no event for it;
 * a browser keeps at most six connections per host and the live streams hold several).
 */
export const stateDatabaseStatusQueryOptions = (client: PaddlerClient) =>
  queryOptions({
    queryKey: ["state-database-status"],
    queryFn: async ({ signal }) => parseStateDatabaseStatus(await client.management.health({ signal })),
    refetchInterval: 2000,
  });
