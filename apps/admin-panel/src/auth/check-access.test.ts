import { PaddlerError } from "@paddler/client";
import { describe, expect, it, vi } from "vitest";
import { checkInferenceAccess } from "./check-access.js";
import { retryUnlessUnauthorized, unauthorizedService } from "./unauthorized.js";

/** A WebSocket stand-in that opens, or closes without opening (a refused handshake). */
function fakeWebSocket(opens: boolean, urls: string[]) {
  return class extends EventTarget {
    constructor(url: string) {
      super();
      urls.push(url);
      queueMicrotask(() => this.dispatchEvent(new Event(opens ? "open" : "close")));
    }
    close() {
      queueMicrotask(() => this.dispatchEvent(new Event("close")));
    }
  } as unknown as typeof WebSocket;
}

describe("checkInferenceAccess", () => {
  it("is ok when the socket opens, sending the key as access_token", async () => {
    const urls: string[] = [];
    const fetch = vi.fn();
    const result = await checkInferenceAccess({
      inferenceUrl: "http://127.0.0.1:8061",
      apiKey: "k y",
      WebSocket: fakeWebSocket(true, urls),
      fetch,
    });
    expect(result).toBe("ok");
    expect(urls).toEqual(["ws://127.0.0.1:8061/api/v1/inference_socket?access_token=k+y"]);
    expect(fetch).not.toHaveBeenCalled();
  });

  it("asks over HTTP why the socket did not open: 401 means unauthorized", async () => {
    const fetch = vi.fn(async () => new Response("{}", { status: 401 }));
    const result = await checkInferenceAccess({
      inferenceUrl: "http://127.0.0.1:8061/",
      apiKey: "key",
      WebSocket: fakeWebSocket(false, []),
      fetch,
    });
    expect(result).toBe("unauthorized");
    expect(fetch).toHaveBeenCalledWith("http://127.0.0.1:8061/api/v1/inference_socket", {
      headers: { Authorization: "Bearer key" },
      signal: undefined,
    });
  });

  it("throws when the socket fails for another reason", async () => {
    await expect(
      checkInferenceAccess({
        inferenceUrl: "http://127.0.0.1:8061",
        apiKey: null,
        WebSocket: fakeWebSocket(false, []),
        fetch: async () => new Response("", { status: 404 }),
      }),
    ).rejects.toThrow("did not open (HTTP 404)");
  });
});

describe("unauthorizedService", () => {
  const urls = { managementUrl: "http://m:1", inferenceUrl: "http://i:2" };
  const error = (status: number, url: string) =>
    new PaddlerError({ code: "http_error", message: "x", status, url });

  it("tells the service by the URL of a 401", () => {
    expect(unauthorizedService(error(401, "http://m:1/api/v1/agents/stream"), urls)).toBe("management");
    expect(unauthorizedService(error(401, "http://i:2/api/v1/x"), urls)).toBe("inference");
    expect(unauthorizedService(error(401, "http://m:10/api/v1/agents"), urls)).toBeNull();
    expect(unauthorizedService(error(500, "http://m:1/api/v1/agents"), urls)).toBeNull();
    expect(unauthorizedService(new Error("401"), urls)).toBeNull();
  });

  it("never retries a 401", () => {
    const retry = retryUnlessUnauthorized(3);
    expect(retry(0, error(401, "http://m:1/"))).toBe(false);
    expect(retry(0, error(503, "http://m:1/"))).toBe(true);
    expect(retry(3, error(503, "http://m:1/"))).toBe(false);
  });
});
