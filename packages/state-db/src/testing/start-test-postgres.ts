import { execFile } from "node:child_process";
import { chmod, chown, mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A PostgreSQL server of the test's own, in a temporary directory; nothing is shared with the machine's clusters. */
export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres`; trust authentication, so no password. */
  readonly url: string;
  readonly port: number;
  /** Stops the server (fast shutdown: open connections are cut), keeping its data. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

/** Debian keeps the server binaries out of PATH, under /usr/lib/postgresql/<version>/bin. */
async function findBinDir(): Promise<string> {
  const fromEnv = process.env.PADDLER_TEST_POSTGRES_BIN;
  if (fromEnv) return fromEnv;
  const versions = await readdir("/usr/lib/postgresql").catch(() => []);
  const newest = versions.filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))[0];
  if (!newest)
    throw new Error(
      "PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql, or set PADDLER_TEST_POSTGRES_BIN)",
    );
  return `/usr/lib/postgresql/${newest}/bin`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/**
 * Starts a throw-away PostgreSQL server on 127.0.0.1 and a free port. PostgreSQL refuses to run as
 * root, so as root it runs as the `postgres` user (Debian's package creates it).
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = await findBinDir();
  const dir = await mkdtemp(join(tmpdir(), "paddler-pg-"));
  const dataDir = join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
    await chmod(dir, 0o700);
  }
  const pgRun = (command: string, args: string[]) =>
    asRoot
      ? run("runuser", ["-u", "postgres", "--", join(bin, command), ...args])
      : run(join(bin, command), args);
  await pgRun("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = async () => {
    await pgRun("pg_ctl", ["start", "-w", "-t", "120", "-D", dataDir, "-l", join(dir, "log"), "-o", options]);
  };
  let running = false;
  const stop = async () => {
    if (!running) return;
    await pgRun("pg_ctl", ["stop", "-w", "-t", "120", "-m", "fast", "-D", dataDir]);
    running = false;
  };
  await start();
  running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop,
    start: async () => {
      await start();
      running = true;
    },
    close: async () => {
      await stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
