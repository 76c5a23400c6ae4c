import { queryOptions } from "@tanstack/react-query";
import { checkInferenceAccess } from "../auth/check-access.js";

/**
 * Whether the inference socket lets this panel in with the key it keeps (see checkInferenceAccess):
 * "ok", "unauthorized", or "unknown" when the check itself failed (the chat then shows what
 * went wrong when it is used). The key is not in the query key: a sign-in resets this query.
 */
export const inferenceAccessQueryOptions = (inferenceUrl: string | null, apiKey: string | null) =>
  queryOptions({
    queryKey: ["inference-access"],
    queryFn: async ({ signal }) => {
      if (inferenceUrl === null) return "unknown" as const;
      try {
        return await checkInferenceAccess({ inferenceUrl, apiKey, signal });
      } catch (error) {
        if (signal.aborted) throw error;
        return "unknown" as const;
      }
    },
    enabled: inferenceUrl !== null,
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    retry: false,
  });
