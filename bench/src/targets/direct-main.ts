// Entry: the "direct" target as its own process. argv: tokens tokensPerSecond.
import type { AddressInfo } from "node:net";
import { createDirectBackend } from "./direct-backend.js";

const server = createDirectBackend({
  tokens: Number(process.argv[2] ?? 16),
  tokensPerSecond: Number(process.argv[3] ?? 1_000_000),
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.send?.({ type: "ready", port: (server.address() as AddressInfo).port });
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
process.on("disconnect", () => process.exit(0));
