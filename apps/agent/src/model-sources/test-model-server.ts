import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

// Test support only: a real HTTP server on 127.0.0.1 that serves the shared test model in the ways
// real servers do and misbehave. Nothing here is used outside *.test.ts.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
export const testModelPath = path.resolve(repoRoot, "models/stories260K.gguf");

export interface SeenRequest {
  path: string;
  range: string | undefined;
  ifRange: string | undefined;
  authorization: string | undefined;
}

export interface TestModelServer extends AsyncDisposable {
  readonly baseUrl: string;
  readonly model: Buffer;
  readonly requests: SeenRequest[];
  /** Resolves once the stalling route has sent its first half. */
  readonly stalled: Promise<void>;
  close(): Promise<void>;
}

export const huggingFaceTestToken = "hf_test_token";

export const testModelEtag = '"stories260K-v1"';

/** Serves `body` with Range support, honouring If-Range the way RFC 9110 asks. */
function serveRanged(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const ifRange = req.headers["if-range"];
  const range =
    ifRange === undefined || ifRange === testModelEtag
      ? /^bytes=(\d+)-$/.exec(req.headers.range ?? "")
      : null;
  if (!range) {
    res.writeHead(200, { "content-length": body.length, "accept-ranges": "bytes", etag: testModelEtag });
    res.end(body);
    return;
  }
  const start = Number(range[1]);
  if (start >= body.length) {
    res.writeHead(416, { "content-range": `bytes */${body.length}` });
    res.end();
    return;
  }
  res.writeHead(206, {
    etag: testModelEtag,
    "content-length": body.length - start,
    "content-range": `bytes ${start}-${body.length - 1}/${body.length}`,
  });
  res.end(body.subarray(start));
}

/** Writes half the body under a full Content-Length, then cuts the connection. */
function dropHalfway(res: ServerResponse, body: Buffer): void {
  res.writeHead(200, { "content-length": body.length, etag: testModelEtag });
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
}

export async function startTestModelServer(): Promise<TestModelServer> {
  const model = await readFile(testModelPath);
  const requests: SeenRequest[] = [];
  const stalledSockets = new Set<ServerResponse>();
  let markStalled: () => void = () => undefined;
  const stalled = new Promise<void>((resolve) => {
    markStalled = resolve;
  });
  let flakyServed = false;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://test");
    requests.push({
      path: url.pathname,
      range: req.headers.range,
      ifRange: req.headers["if-range"]?.toString(),
      authorization: req.headers.authorization,
    });
    switch (url.pathname) {
      case "/models/stories260K.gguf":
        return serveRanged(req, res, model);
      case "/no-range/stories260K.gguf":
        res.writeHead(200, { "content-length": model.length });
        return res.end(model);
      case "/flaky/stories260K.gguf":
        if (!flakyServed) {
          flakyServed = true;
          return dropHalfway(res, model);
        }
        return serveRanged(req, res, model);
      case "/chunked/stories260K.gguf":
        // No Content-Length: Node falls back to chunked encoding, so the client cannot know the size.
        res.writeHead(200);
        res.write(model.subarray(0, 1000));
        return res.end(model.subarray(1000));
      case "/stall/stories260K.gguf":
        res.writeHead(200, { "content-length": model.length });
        stalledSockets.add(res);
        res.write(model.subarray(0, Math.floor(model.length / 2)), () => markStalled());
        return;
      case "/not-a-model.gguf":
        res.writeHead(200, { "content-type": "text/html", "content-length": 15 });
        return res.end("<html>hi</html>");
      case "/status/401.gguf":
      case "/status/403.gguf":
      case "/status/404.gguf":
      case "/status/418.gguf":
      case "/status/500.gguf":
        res.writeHead(Number(url.pathname.slice("/status/".length, -".gguf".length)));
        return res.end("no");
      case "/owner/repo/resolve/main/stories260K.gguf":
      case "/owner/repo/resolve/refs%2Fpr%2F1/stories260K.gguf":
        return serveRanged(req, res, model);
      case "/owner/gated/resolve/main/stories260K.gguf":
        if (req.headers.authorization === undefined) {
          res.writeHead(401);
          return res.end();
        }
        if (req.headers.authorization !== `Bearer ${huggingFaceTestToken}`) {
          res.writeHead(403);
          return res.end();
        }
        return serveRanged(req, res, model);
      default:
        res.writeHead(404);
        return res.end("not found");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const close = async () => {
    for (const res of stalledSockets) res.socket?.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    model,
    requests,
    stalled,
    close,
    [Symbol.asyncDispose]: close,
  };
}
