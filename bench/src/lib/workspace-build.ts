import { spawn } from "node:child_process";
import { once } from "node:events";

/**
 * Where the spawned targets load `@paddler/*` from: "dist", the tsc output the Docker images run,
 * or "source", the TypeScript through tsx (the `@paddler/source` condition), for quick iteration
 * without a build. tsx's esbuild transform keeps names by wrapping every closure in `__name(...)`
 * (an Object.defineProperty per closure created), a few percent of the balancer's CPU that the
 * deployed build never pays, so the report's figures come from "dist".
 */
export type PackageSource = "dist" | "source";

let current: PackageSource = "source";

export const packageSource = (): PackageSource => current;

/** Set once by the bench's entry, before it spawns any target. */
export function usePackageSource(source: PackageSource): void {
  current = source;
}

/** The workspace packages the balancer and agent targets import, and those themselves. */
const buildFilters = ["--filter", "@paddler/balancer...", "--filter", "@paddler/agent..."];

/**
 * Builds (tsc) the balancer, the agent and their workspace dependencies in a checkout, as the
 * Docker images do before they run `dist/`; about 25 s on 2 cores.
 */
export async function buildWorkspace(root: string, log: (line: string) => void): Promise<void> {
  const started = performance.now();
  const child = spawn("pnpm", [...buildFilters, "run", "build"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0)
    throw new Error(`building the workspace in ${root} failed (${code}):\n${output.slice(-4000)}`);
  log(
    `  built the balancer and agent packages in ${root} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
}
