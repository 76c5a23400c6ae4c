import { ServerResponse } from "node:http";
import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { directOutgoing, HEAD_ALONE_AFTER_MS } from "./direct-stream.js";
import { type ServedApp, serveApp } from "./serve-app.js";
import { pushTextResponse, textStreamResponse } from "./text-stream-response.js";

let served: ServedApp | null = null;

afterEach(async () => {
  vi.restoreAllMocks();
  await served?.close();
  served = null;
});

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("streamed bodies served straight to Node's response", () => {
  it("serves a push body without a Web stream under serveApp, and with one anywhere else", async () => {
    const seen: boolean[] = [];
    // A header set after the route answered makes Hono build a new Response around the route's.
    const app = new Hono().use(async (c, next) => {
      await next();
      c.header("X-After", "1");
    });
    app.get("/push", (c) => {
      const direct = directOutgoing(c.env);
      seen.push(direct !== undefined);
      return pushTextResponse({
        start: (out) => {
          out.write("a\n");
          setTimeout(() => {
            out.write("b\n");
            out.end();
          }, 5);
        },
        onCancel: () => {},
        headers: { "Content-Type": "application/json" },
        direct,
      });
    });
    served = await serveApp({ app, host: "127.0.0.1", port: 0 });
    const response = await fetch(`http://${served.address}/push`);
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("x-after")).toBe("1");
    expect(await response.text()).toBe("a\nb\n");
    // Hono's own app.request() has no Node response to write to: the Web stream carries the body.
    const inProcess = await app.request("/push");
    expect(await inProcess.text()).toBe("a\nb\n");
    expect(seen).toEqual([true, false]);
  });

  it("keeps the body and headers, and sends chunks of one event-loop turn in one write", async () => {
    let cancelled = false;
    const app = new Hono().get("/stream", () => {
      async function* chunks() {
        yield "a\n";
        yield "b\n";
        yield "c\n";
        await tick();
        yield "d\n";
      }
      return textStreamResponse({
        chunks: chunks(),
        onCancel: () => {
          cancelled = true;
        },
        headers: { "Content-Type": "application/json" },
      });
    });
    served = await serveApp({ app, host: "127.0.0.1", port: 0 });
    const writes: string[] = [];
    const write = ServerResponse.prototype.write;
    vi.spyOn(ServerResponse.prototype, "write").mockImplementation(function (
      this: ServerResponse,
      ...args: Parameters<ServerResponse["write"]>
    ) {
      writes.push(String(args[0]));
      return write.apply(this, args);
    });
    const response = await fetch(`http://${served.address}/stream`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(await response.text()).toBe("a\nb\nc\nd\n");
    expect(writes).toContain("a\nb\nc\n");
    expect(writes).not.toContain("a\n");
    expect(cancelled).toBe(false);
  });

  it("cancels the source when the client goes away mid-stream", async () => {
    let cancelled = false;
    let finished = false;
    const app = new Hono().get("/stream", () => {
      async function* chunks() {
        try {
          for (let index = 0; ; index++) {
            yield `${index}\n`;
            await tick();
          }
        } finally {
          finished = true;
        }
      }
      return textStreamResponse({
        chunks: chunks(),
        onCancel: () => {
          cancelled = true;
        },
        headers: { "Content-Type": "application/json" },
      });
    });
    served = await serveApp({ app, host: "127.0.0.1", port: 0 });
    const controller = new AbortController();
    const response = await fetch(`http://${served.address}/stream`, { signal: controller.signal });
    const reader = response.body?.getReader();
    await reader?.read();
    controller.abort();
    const deadline = Date.now() + 10_000;
    while (!(cancelled && finished) && Date.now() < deadline) await tick();
    expect(cancelled).toBe(true);
    expect(finished).toBe(true);
  });

  it("falls back to the Web stream where no Node response is at hand", async () => {
    const app = new Hono().get("/stream", () => {
      async function* chunks() {
        yield "x\n";
        yield "y\n";
      }
      return textStreamResponse({ chunks: chunks(), onCancel: () => {}, headers: {} });
    });
    const response = await app.request("/stream");
    expect(await response.text()).toBe("x\ny\n");
  });

  it("writes a pushed body's chunks of one event-loop turn in one write, and ends it", async () => {
    const app = new Hono().get("/stream", () =>
      pushTextResponse({
        start(out) {
          out.write("a\n");
          out.write("b\n");
          setTimeout(() => {
            out.write("c\n");
            out.end();
            out.write("late\n");
          }, 20);
        },
        onCancel: () => {},
        headers: { "Content-Type": "application/json" },
      }),
    );
    served = await serveApp({ app, host: "127.0.0.1", port: 0 });
    const writes: string[] = [];
    const write = ServerResponse.prototype.write;
    vi.spyOn(ServerResponse.prototype, "write").mockImplementation(function (
      this: ServerResponse,
      ...args: Parameters<ServerResponse["write"]>
    ) {
      writes.push(String(args[0]));
      return write.apply(this, args);
    });
    const response = await fetch(`http://${served.address}/stream`);
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(await response.text()).toBe("a\nb\nc\n");
    expect(writes).toContain("a\nb\n");
  });

  it("sends the head with the first chunk, or alone once the first chunk is late", async () => {
    let lateChunkWritten = false;
    const app = new Hono()
      .get("/soon", () =>
        pushTextResponse({
          start(out) {
            setTimeout(() => {
              out.write("a\n");
              out.end();
            }, 2);
          },
          onCancel: () => {},
          headers: {},
        }),
      )
      .get("/late", () =>
        pushTextResponse({
          start(out) {
            // A request buffered until a slot frees: its client still learns it was accepted.
            setTimeout(() => {
              lateChunkWritten = true;
              out.write("b\n");
              out.end();
            }, HEAD_ALONE_AFTER_MS * 10);
          },
          onCancel: () => {},
          headers: {},
        }),
      );
    served = await serveApp({ app, host: "127.0.0.1", port: 0 });
    const flushes = vi.spyOn(ServerResponse.prototype, "flushHeaders");
    const soon = await fetch(`http://${served.address}/soon`);
    expect(await soon.text()).toBe("a\n");
    expect(flushes).not.toHaveBeenCalled();
    const late = await fetch(`http://${served.address}/late`);
    expect(late.status).toBe(200);
    expect(lateChunkWritten).toBe(false);
    expect(flushes).toHaveBeenCalledTimes(1);
    expect(await late.text()).toBe("b\n");
  });

  it("cancels a pushed body when the client goes away mid-stream", async () => {
    let cancelled = false;
    let timer: NodeJS.Timeout | undefined;
    const app = new Hono().get("/stream", () =>
      pushTextResponse({
        start(out) {
          let index = 0;
          timer = setInterval(() => out.write(`${index++}\n`), 10);
        },
        onCancel: () => {
          cancelled = true;
          clearInterval(timer);
        },
        headers: {},
      }),
    );
    served = await serveApp({ app, host: "127.0.0.1", port: 0 });
    const controller = new AbortController();
    const response = await fetch(`http://${served.address}/stream`, { signal: controller.signal });
    await response.body?.getReader().read();
    controller.abort();
    const deadline = Date.now() + 10_000;
    while (!cancelled && Date.now() < deadline) await tick();
    expect(cancelled).toBe(true);
  });

  it("carries a pushed body on the Web stream where no Node response is at hand", async () => {
    let started = 0;
    const app = new Hono().get("/stream", () =>
      pushTextResponse({
        start(out) {
          started++;
          out.write("x\n");
          queueMicrotask(() => {
            out.write("y\n");
            out.end();
          });
        },
        onCancel: () => {},
        headers: {},
      }),
    );
    const response = await app.request("/stream");
    expect(await response.text()).toBe("x\ny\n");
    expect(started).toBe(1);
  });
});
