import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { findLlamaServerBinary } from "@paddler/agent";
import { afterAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../test-cluster.js";
import { repoRoot } from "../test-model.js";

const binary = await findLlamaServerBinary(repoRoot);
const available = binary !== null || process.env.CI === "true";

function parentOf(pid: number): number | null {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

/** Every process below `root`, found by walking /proc. */
function descendants(root: number): number[] {
  const pids = readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
  const found = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const pid of pids) {
      const parent = parentOf(pid);
      if (parent !== null && found.has(parent) && !found.has(pid)) {
        found.add(pid);
        grew = true;
      }
    }
  }
  found.delete(root);
  return [...found];
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0] ?? "";
  } catch {
    return "";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.runIf(available)("the managed llama-server never outlives its agent", () => {
  let cluster: TestCluster | null = null;
  afterAll(async () => {
    await cluster?.close();
  });

  it("goes when the agent process is killed with SIGKILL", async () => {
    cluster = await startTestCluster();
    const { host, port } = cluster.managementAddress;
    const agent = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--conditions=@paddler/source",
        "apps/cli/src/main.ts",
        "agent",
        "--management-addr",
        `${host}:${port}`,
        "--slots",
        "1",
        "--threads",
        "1",
        "--llama-server-binary",
        binary ?? "",
        "--log-level",
        "error",
      ],
      { cwd: repoRoot, stdio: "ignore" },
    );
    const agentExited = new Promise((resolve) => agent.once("exit", resolve));
    await cluster.waitForSlots(1, 120_000);
    const pid = agent.pid ?? 0;
    const server = descendants(pid).find((child) => commandOf(child) === binary);
    expect(server).toBeDefined();
    agent.kill("SIGKILL");
    await agentExited;
    await waitFor(() => !alive(server ?? 0), "llama-server to go with its agent");
  }, 180_000);
});
