import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { corsFor } from "./cors-for.js";

const app = new Hono()
  .use(corsFor(() => ["http://panel.example/"]))
  .post("/stream", () => new Response(null, { headers: { "Cache-Control": "no-cache" } }))
  .get("/varied", () => new Response("x", { headers: { Vary: "Accept-Encoding" } }));

describe("corsFor", () => {
  it("answers a request without Origin with Vary: Origin and no CORS headers", async () => {
    const response = await app.request("/stream", { method: "POST" });
    expect(response.headers.get("vary")).toBe("Origin");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(response.headers.get("access-control-expose-headers")).toBeNull();
  });

  it("adds Origin to a Vary the route set, once", async () => {
    const response = await app.request("/varied");
    expect(response.headers.get("vary")).toBe("Accept-Encoding, Origin");
  });

  it("allows a listed origin (trailing slash ignored) and exposes X-Request-Id", async () => {
    const response = await app.request("/stream", {
      method: "POST",
      headers: { Origin: "http://panel.example" },
    });
    expect(response.headers.get("access-control-allow-origin")).toBe("http://panel.example");
    expect(response.headers.get("access-control-expose-headers")).toBe("X-Request-Id");
    expect(response.headers.get("vary")).toBe("Origin");
  });

  it("gives an unlisted origin no allow header", async () => {
    const response = await app.request("/stream", {
      method: "POST",
      headers: { Origin: "http://evil.example" },
    });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers a preflight with the methods and headers", async () => {
    const response = await app.request("/stream", {
      method: "OPTIONS",
      headers: { Origin: "http://panel.example", "Access-Control-Request-Method": "POST" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-methods")).toBe("DELETE,GET,POST,PUT,OPTIONS");
    expect(response.headers.get("access-control-allow-headers")).toBe(
      "Accept,Authorization,Content-Type,X-Request-Id",
    );
  });
});
