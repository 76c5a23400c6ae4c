import { createPaddlerClient, type PaddlerClient } from "@paddler/client";
import { type Query, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef } from "react";
import { type PanelConfig, serviceUrl } from "../config/panel-config.js";
import { useAuth } from "./auth-context.js";

/** Queries that talk to the inference service; every other query is the management service's. */
const inferenceQueryKeys = new Set(["token-generation-mode", "inference-access"]);
const isInferenceQuery = (query: Query) => inferenceQueryKeys.has(String(query.queryKey[0]));

const reconnect = { initialDelayMs: 500, maxDelayMs: 5000 };

/**
 * The panel's client: the management service with the management token, the inference socket
 * with the inference API key (each only when one is kept). When a credential changes, the
 * queries of that service start again with it, and the replaced client is closed.
 */
export function usePanelClient(config: PanelConfig): PaddlerClient {
  const auth = useAuth();
  const queryClient = useQueryClient();
  const { credential: managementToken, version: managementVersion } = auth.management;
  const { credential: inferenceKey, version: inferenceVersion } = auth.inference;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the version re-creates the client after a sign-in with the same token.
  const management = useMemo(
    () =>
      createPaddlerClient({
        managementUrl: serviceUrl(config.managementAddr),
        apiKey: managementToken ?? undefined,
        reconnect,
      }),
    [config.managementAddr, managementToken, managementVersion],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: as above, for the inference key.
  const inference = useMemo(
    () =>
      createPaddlerClient({
        inferenceUrl: config.inferenceAddr ? serviceUrl(config.inferenceAddr) : undefined,
        apiKey: inferenceKey ?? undefined,
        reconnect,
      }),
    [config.inferenceAddr, inferenceKey, inferenceVersion],
  );

  useOnReplace(management, (previous) => {
    previous.close();
    void queryClient.resetQueries({ predicate: (query) => !isInferenceQuery(query) });
  });
  useOnReplace(inference, (previous) => {
    previous.close();
    void queryClient.resetQueries({ predicate: isInferenceQuery });
  });

  return useMemo(
    () => ({
      management: management.management,
      inference: inference.inference,
      close() {
        management.close();
        inference.close();
      },
    }),
    [management, inference],
  );
}

/**
 * Calls `onReplace` with the old value once `value` changes, after the render that uses the
 * new one: the queries' observers (effects of children, run first) then hold the new client.
 */
function useOnReplace<T>(value: T, onReplace: (previous: T) => void) {
  const current = useRef(value);
  const callback = useRef(onReplace);
  callback.current = onReplace;
  useEffect(() => {
    if (current.current === value) return;
    const previous = current.current;
    current.current = value;
    callback.current(previous);
  }, [value]);
}
