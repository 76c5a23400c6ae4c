import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNvidiaSmiQuery, NVIDIA_SMI_ARGS, parseNvidiaSmiCsv } from "./nvidia-smi.js";

const MIB = 1024 * 1024;
const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

describe("parseNvidiaSmiCsv", () => {
  it("reads each GPU's memory (MiB) and utilisation", async () => {
    expect(parseNvidiaSmiCsv(await fixture("nvidia-smi-two-h200.csv"))).toEqual([
      {
        name: "NVIDIA H200",
        memory_used_bytes: 1203 * MIB,
        memory_total_bytes: 143771 * MIB,
        utilization_percent: 37,
      },
      { name: "NVIDIA H200", memory_used_bytes: 0, memory_total_bytes: 143771 * MIB, utilization_percent: 0 },
    ]);
  });

  it("takes [N/A] and [Not Supported] as unknown, and CRLF line ends", async () => {
    expect(parseNvidiaSmiCsv(await fixture("nvidia-smi-not-available.csv"))).toEqual([
      {
        name: "NVIDIA GeForce RTX 3090",
        memory_used_bytes: 24 * MIB,
        memory_total_bytes: 24576 * MIB,
        utilization_percent: null,
      },
      { name: "Tesla T4", memory_used_bytes: 0, memory_total_bytes: 15360 * MIB, utilization_percent: null },
    ]);
  });

  it("keeps a name that holds a comma", async () => {
    const devices = parseNvidiaSmiCsv(await fixture("nvidia-smi-comma-name.csv"));
    expect(devices.map((device) => device.name)).toEqual(["NVIDIA A100-SXM4-80GB", "Acme GPU, rev 2"]);
    expect(devices[1]?.memory_total_bytes).toBe(4096 * MIB);
    expect(devices[0]?.utilization_percent).toBe(100);
  });

  it("finds no GPU in a driver error", async () => {
    expect(parseNvidiaSmiCsv(await fixture("nvidia-smi-no-driver.txt"))).toEqual([]);
    expect(parseNvidiaSmiCsv("")).toEqual([]);
  });
});

describe("createNvidiaSmiQuery", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "h18p-nvidia-smi-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const script = async (name: string, body: string) => {
    const path = join(dir, name);
    await writeFile(path, `#!/bin/sh\n${body}\n`);
    await chmod(path, 0o755);
    return path;
  };

  it("runs nvidia-smi with the query and parses its answer", async () => {
    const binary = await script(
      "answers",
      `[ "$1 $2" = "${NVIDIA_SMI_ARGS.join(" ")}" ] || exit 3\nprintf '0, NVIDIA H200, 10, 20, 5\\n'`,
    );
    await expect(createNvidiaSmiQuery({ binary })()).resolves.toEqual([
      {
        name: "NVIDIA H200",
        memory_used_bytes: 10 * MIB,
        memory_total_bytes: 20 * MIB,
        utilization_percent: 5,
      },
    ]);
  });

  it("gives null where nvidia-smi is absent, fails or hangs past its timeout", async () => {
    await expect(createNvidiaSmiQuery({ binary: join(dir, "missing") })()).resolves.toBeNull();
    const failing = await script("fails", "echo 'NVIDIA-SMI has failed' >&2\nexit 9");
    await expect(createNvidiaSmiQuery({ binary: failing })()).resolves.toBeNull();
    const hanging = await script("hangs", "exec sleep 30");
    await expect(createNvidiaSmiQuery({ binary: hanging, timeoutMs: 200 })()).resolves.toBeNull();
  });

  it("stops spawning a program that does not exist", async () => {
    const path = join(dir, "appears-later");
    const query = createNvidiaSmiQuery({ binary: path });
    await expect(query()).resolves.toBeNull();
    await writeFile(path, "#!/bin/sh\nprintf '0, GPU, 1, 2, 3\\n'\n");
    await chmod(path, 0o755);
    await expect(query()).resolves.toBeNull();
    await expect(createNvidiaSmiQuery({ binary: path })()).resolves.toHaveLength(1);
  });
});
