// Entry: a bare Node relay as its own process, the floor for any balancer written on Node's HTTP
// stack: each request goes to the upstream with http.request (keep-alive) and the response is piped
// back, nothing else (no routing, validation, dispatch or metrics). argv: upstreamPort.
// Loaded through tsx like every bench entry: its two closures per request get tsx's `__name`
// wrapper, well under a µs against the hundreds it measures.
import { Agent, createServer, request as forward } from "node:http";
import type { AddressInfo } from "node:net";

const upstreamPort = Number(process.argv[2]);
const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
const server = createServer((request, response) => {
  const upstream = forward(
    {
      host: "127.0.0.1",
      port: upstreamPort,
      method: request.method,
      path: request.url,
      headers: request.headers,
      agent,
    },
    (reply) => {
      response.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(response);
    },
  );
  upstream.on("error", () => {
    if (!response.headersSent) response.writeHead(502);
    response.end();
  });
  request.pipe(upstream);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.send?.({ type: "ready", port: (server.address() as AddressInfo).port });
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
process.on("disconnect", () => process.exit(0));
