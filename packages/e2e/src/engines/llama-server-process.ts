import { get } from "node:http";
import { createServer } from "node:net";
import { llamaServerEnv, spawnWatched, type WatchedProcess } from "@paddler/agent";

/** A port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export interface LlamaServerProcess {
  readonly rootUrl: string;
  /** Kills it at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Starts it again on the same port and waits until it is healthy. */
  start(): Promise<void>;
  /** Slots running a request now, read from llama-server's own `/slots`. */
  busySlots(): Promise<number>;
}

/** A real llama-server someone else runs (the external engine's setting), on a fixed port. */
export async function startLlamaServerProcess(options: {
  binary: string;
  modelPath: string;
  slots: number;
  /** More command-line arguments (`--jinja`, `--embeddings`, …). */
  extraArgs?: readonly string[];
}): Promise<LlamaServerProcess> {
  const port = await freePort();
  const rootUrl = `http://127.0.0.1:${port}`;
  let process: WatchedProcess | null = null;
  const args = [
    "--model",
    options.modelPath,
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--parallel",
    String(options.slots),
    "--ctx-size",
    String(1024 * options.slots),
    "--threads",
    "1",
    "--slots",
    "--no-webui",
    ...(options.extraArgs ?? []),
  ];
  const server: LlamaServerProcess = {
    rootUrl,
    async start() {
      process = spawnWatched(options.binary, args, llamaServerEnv(options.binary));
      process.child.stdout.resume();
      process.child.stderr.resume();
      const deadline = Date.now() + 120_000;
      for (;;) {
        const healthy = await fetch(`${rootUrl}/health`).then(
          (response) => response.ok,
          () => false,
        );
        if (healthy) return;
        if (Date.now() > deadline) throw new Error("llama-server did not become healthy");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async kill() {
      const current = process;
      process = null;
      if (!current) return;
      // Closing the watchdog's stdin kills llama-server with SIGKILL.
      current.child.stdin.end();
      await current.exited;
    },
    async busySlots() {
      // A fresh connection per sample: llama-server closes kept-alive connections on its own
      // schedule, and fetch's pool reused closed ones ("other side closed"), twice in a row in CI.
      const slots = JSON.parse(await getFresh(`${rootUrl}/slots`)) as { is_processing: boolean }[];
      return slots.filter((slot) => slot.is_processing).length;
    },
  };
  await server.start();
  return server;
}

/** GET over a connection of its own (no keep-alive pool), the body as text. */
function getFresh(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (part: string) => {
        text += part;
      });
      response.on("end", () => resolve(text));
      response.on("error", reject);
    }).on("error", reject);
  });
}
