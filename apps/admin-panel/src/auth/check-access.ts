import { createPaddlerClient } from "@paddler/client";
import { isUnauthorized } from "./unauthorized.js";

export type AccessResult = "ok" | "unauthorized";

/**
 * Asks the management service for something small with `token`: "ok", "unauthorized" on a 401,
 * and throws (a PaddlerError) when the balancer cannot be reached.
 */
export async function checkManagementToken(
  managementUrl: string,
  token: string,
  signal?: AbortSignal,
): Promise<AccessResult> {
  const client = createPaddlerClient({ managementUrl, apiKey: token });
  try {
    await client.management.bufferedRequests({ signal });
    return "ok";
  } catch (error) {
    if (isUnauthorized(error)) return "unauthorized";
    throw error;
  } finally {
    client.close();
  }
}

export interface InferenceAccessOptions {
  /** The inference service's base URL (`http://host:port`). */
  inferenceUrl: string;
  /** The API key to present, or `null` for none. */
  apiKey: string | null;
  signal?: AbortSignal | undefined;
  WebSocket?: typeof WebSocket;
  fetch?: typeof fetch;
}

/**
 * Whether the inference socket lets this panel in. A browser never sees why a WebSocket
 * handshake failed, so when the socket does not open, the same path is asked over HTTP with
 * the key as a Bearer header: a 401 there means the key is missing or wrong. Throws when the
 * service cannot be reached (or refuses the socket for another reason).
 */
export async function checkInferenceAccess({
  inferenceUrl,
  apiKey,
  signal,
  WebSocket: WebSocketImplementation = globalThis.WebSocket,
  fetch: fetchImplementation = globalThis.fetch,
}: InferenceAccessOptions): Promise<AccessResult> {
  const httpUrl = `${inferenceUrl.replace(/\/+$/, "")}/api/v1/inference_socket`;
  const socketUrl = new URL(httpUrl);
  socketUrl.protocol = socketUrl.protocol === "https:" ? "wss:" : "ws:";
  if (apiKey !== null) socketUrl.searchParams.set("access_token", apiKey);

  const opened = await new Promise<boolean>((resolve, reject) => {
    const socket = new WebSocketImplementation(socketUrl.toString());
    const onAbort = () => {
      socket.close();
      reject(signal?.reason ?? new Error("aborted"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    socket.addEventListener("open", () => {
      signal?.removeEventListener("abort", onAbort);
      socket.close(1000, "access check");
      resolve(true);
    });
    socket.addEventListener("close", () => {
      signal?.removeEventListener("abort", onAbort);
      resolve(false);
    });
  });
  if (opened) return "ok";

  const response = await fetchImplementation(httpUrl, {
    headers: apiKey === null ? {} : { Authorization: `Bearer ${apiKey}` },
    signal,
  });
  await response.body?.cancel();
  if (response.status === 401) return "unauthorized";
  throw new Error(`The inference socket at ${inferenceUrl} did not open (HTTP ${response.status})`);
}
