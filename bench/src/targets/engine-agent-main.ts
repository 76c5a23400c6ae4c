// Entry: one agent with a chosen engine as its own process. argv: managementAddr slots engineJson
// where engineJson is an EngineChoice, e.g. {"kind":"LlamaServerManaged","binary":"/path"}.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EngineChoice, startAgent } from "@paddler/agent";
import { silentLogger } from "@paddler/logger";

const [addr = "", slots = "1", engineJson = '{"kind":"LlamaCpp"}'] = process.argv.slice(2);
const [host = "127.0.0.1", port = "0"] = addr.split(":");
const engine = JSON.parse(engineJson) as EngineChoice;
const agent = await startAgent({
  config: {
    managementAddr: { host, port: Number(port) },
    name: `bench-${engine.kind}`,
    slots: Number(slots),
    threads: 1,
    engine,
  },
  logger: silentLogger(),
  cacheDir: await mkdtemp(join(tmpdir(), "paddler-bench-cache-")),
  shutdownGraceMs: 500,
});
const stop = () => {
  agent.close().finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("disconnect", stop);
process.send?.({ type: "ready", id: agent.id });
