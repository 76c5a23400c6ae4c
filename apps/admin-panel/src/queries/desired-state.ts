import type { BalancerDesiredState, PaddlerClient } from "@paddler/client";
import { mutationOptions, type QueryClient, queryOptions } from "@tanstack/react-query";

const desiredStateKey = ["balancer-desired-state"] as const;

/** What the operator asked the fleet to run (`GET /api/v1/balancer_desired_state`). */
export const desiredStateQueryOptions = (client: PaddlerClient) =>
  queryOptions({
    queryKey: desiredStateKey,
    queryFn: ({ signal }) => client.management.getBalancerDesiredState({ signal }),
    refetchOnWindowFocus: false,
  });

/** `PUT /api/v1/balancer_desired_state`; the cache holds the saved state afterwards. */
export const saveDesiredStateMutationOptions = (client: PaddlerClient, queryClient: QueryClient) =>
  mutationOptions({
    mutationKey: desiredStateKey,
    mutationFn: (state: BalancerDesiredState) => client.management.putBalancerDesiredState(state),
    onSuccess: (_result, state) => {
      queryClient.setQueryData(desiredStateKey, state);
      return queryClient.invalidateQueries({ queryKey: desiredStateKey });
    },
  });
