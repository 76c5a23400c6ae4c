import type { BalancerDesiredState, ModelPoolsResponse, PaddlerClient, PoolPolicy } from "@paddler/client";
import {
  mutationOptions,
  type QueryClient,
  queryOptions,
  experimental_streamedQuery as streamedQuery,
} from "@tanstack/react-query";
import { applyRoutingDraft, type RoutingDraft } from "../routing/routing-draft.js";

export const DEFAULT_POOL = "default";

/** Every pool, live: the SSE stream's latest `{pools}` snapshot replaces the cached one. */
export const poolsQueryOptions = (client: PaddlerClient) =>
  queryOptions({
    queryKey: ["pools"],
    queryFn: streamedQuery({
      streamFn: ({ signal }) => client.management.pools.stream({ signal }),
      reducer: (_previous: ModelPoolsResponse | null, next: ModelPoolsResponse) => next,
      initialValue: null,
    }),
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    retry: false,
  });

/** The default pool shares Paddler's desired-state cache entry with the pages written before pools. */
const poolStateKey = (pool: string): readonly string[] =>
  pool === DEFAULT_POOL ? ["balancer-desired-state"] : ["pool-desired-state", pool];

/**
 * A pool's desired state. The default pool reads Paddler's `balancer_desired_state`, so the panel
 * works against a balancer without pools too.
 */
export const poolDesiredStateQueryOptions = (client: PaddlerClient, pool: string) =>
  queryOptions({
    queryKey: poolStateKey(pool),
    queryFn: ({ signal }) =>
      pool === DEFAULT_POOL
        ? client.management.getBalancerDesiredState({ signal })
        : client.management.pools.getDesiredState(pool, { signal }),
    refetchOnWindowFocus: false,
  });

/** Stores a pool's desired state (creating the pool); the default pool goes through Paddler's route. */
export const savePoolDesiredStateMutationOptions = (
  client: PaddlerClient,
  queryClient: QueryClient,
  pool: string,
) =>
  mutationOptions({
    mutationKey: poolStateKey(pool),
    mutationFn: async (state: BalancerDesiredState) => {
      if (pool === DEFAULT_POOL) await client.management.putBalancerDesiredState(state);
      else await client.management.pools.putDesiredState(pool, state);
    },
    onSuccess: (_result, state) => {
      queryClient.setQueryData(poolStateKey(pool), state);
      return queryClient.invalidateQueries({ queryKey: poolStateKey(pool) });
    },
  });

export const createPoolMutationOptions = (client: PaddlerClient) =>
  mutationOptions({
    mutationKey: ["create-pool"],
    mutationFn: ({ pool, state }: { pool: string; state: BalancerDesiredState }) =>
      client.management.pools.putDesiredState(pool, state),
  });

export const deletePoolMutationOptions = (client: PaddlerClient) =>
  mutationOptions({
    mutationKey: ["delete-pool"],
    mutationFn: (pool: string) => client.management.pools.delete(pool),
  });

export const setPoolPolicyMutationOptions = (client: PaddlerClient) =>
  mutationOptions({
    mutationKey: ["pool-policy"],
    mutationFn: ({ pool, policy }: { pool: string; policy: PoolPolicy }) =>
      client.management.pools.putPolicy(pool, policy),
  });

/** Aliases, routing rules, fallback pool, policies and agent moves, as stored. */
export const fleetSettingsQueryOptions = (client: PaddlerClient) =>
  queryOptions({
    queryKey: ["fleet-settings"],
    queryFn: ({ signal }) => client.management.pools.getFleetSettings({ signal }),
    refetchOnWindowFocus: false,
  });

/**
 * Stores the routing editor's aliases, rules and fallback over the settings as they are stored at
 * that moment (read again first), so a policy changed meanwhile is not written back to its old value.
 */
export const saveRoutingMutationOptions = (client: PaddlerClient, queryClient: QueryClient) =>
  mutationOptions({
    mutationKey: ["fleet-settings"],
    mutationFn: async (draft: RoutingDraft) => {
      const settings = applyRoutingDraft(await client.management.pools.getFleetSettings(), draft);
      await client.management.pools.putFleetSettings(settings);
      return settings;
    },
    // The pools stream shows the new aliases by itself: the balancer announces the change.
    onSuccess: (settings) => queryClient.setQueryData(["fleet-settings"], settings),
  });
