// Entry: our balancer as its own process, every service on an ephemeral port.
// argv: maxBufferedRequests bufferedRequestTimeoutMs. Answers { type: "memory" } over IPC.
import { startBalancer } from "@paddler/balancer";
import { silentLogger } from "@paddler/logger";

const local = { host: "127.0.0.1", port: 0 };
const balancer = await startBalancer({
  logger: silentLogger(),
  config: {
    inferenceAddr: local,
    managementAddr: local,
    webAdminPanelAddr: null,
    compatOpenaiAddr: local,
    stateDatabase: "memory://",
    maxBufferedRequests: Number(process.argv[2] ?? 30),
    bufferedRequestTimeoutMs: Number(process.argv[3] ?? 10_000),
    inferenceItemTimeoutMs: 30_000,
    inferenceCorsAllowedHosts: [],
    managementCorsAllowedHosts: [],
    statsdPrefix: "paddler_",
  },
});
process.on("message", (message: { type?: string }) => {
  if (message.type !== "memory") return;
  // Collect twice so figures are live objects only (the bench runs us with --expose-gc).
  globalThis.gc?.();
  globalThis.gc?.();
  process.send?.({ type: "memory", ...process.memoryUsage() });
});
const stop = () => {
  balancer.close().finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("disconnect", stop);
process.send?.({ type: "ready", addresses: balancer.addresses });
