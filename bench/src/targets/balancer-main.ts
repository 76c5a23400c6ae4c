// Entry: our balancer as its own process, every service on an ephemeral port.
// argv: maxBufferedRequests bufferedRequestTimeoutMs. Answers { type: "memory" } over IPC, and
// { type: "profile-start" } / { type: "profile-stop", file } (a V8 CPU profile of only that span,
// so module loading and start-up stay out of it).
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
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
const session = new Session();
process.on("message", async (message: { type?: string; file?: string }) => {
  if (message.type === "profile-start") {
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 200 });
    await session.post("Profiler.start");
    process.send?.({ type: "profile-start" });
    return;
  }
  if (message.type === "profile-stop") {
    const { profile } = await session.post("Profiler.stop");
    await writeFile(message.file ?? "balancer.cpuprofile", JSON.stringify(profile));
    session.disconnect();
    process.send?.({ type: "profile-stop" });
    return;
  }
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
