// Entry: one real agent as its own process. argv: managementAddr slots engine [tokensPerSecond]
// where engine is "synthetic" (no model, tokens at a fixed rate) or "llama" (threads 1).
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSyntheticEngineFactory, startAgent } from "@paddler/agent";
import { silentLogger } from "@paddler/logger";

const [addr = "", slots = "1", engine = "synthetic", tokensPerSecond = "1000000"] = process.argv.slice(2);
const [host = "127.0.0.1", port = "0"] = addr.split(":");
const agent = await startAgent({
  config: {
    managementAddr: { host, port: Number(port) },
    name: `bench-${engine}`,
    slots: Number(slots),
    threads: 1,
  },
  logger: silentLogger(),
  cacheDir: await mkdtemp(join(tmpdir(), "paddler-bench-cache-")),
  engineFactory:
    engine === "synthetic"
      ? createSyntheticEngineFactory({ tokensPerSecond: Number(tokensPerSecond) })
      : undefined,
  shutdownGraceMs: 500,
});
const stop = () => {
  agent.close().finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("disconnect", stop);
process.send?.({ type: "ready", id: agent.id });
