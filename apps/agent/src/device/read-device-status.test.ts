import type { AgentDevice } from "@paddler/protocol";
import { describe, expect, it } from "vitest";
import { createCpuDeviceSampler } from "./cpu-device.js";
import { type DeviceSources, readDeviceStatus } from "./read-device-status.js";

const cpu: AgentDevice = {
  name: "AMD EPYC (16 cores)",
  memory_used_bytes: 8,
  memory_total_bytes: 16,
  utilization_percent: 12.5,
};
const h200: AgentDevice = {
  name: "NVIDIA H200",
  memory_used_bytes: 100,
  memory_total_bytes: 200,
  utilization_percent: 40,
};

function sources(overrides: Partial<DeviceSources>): DeviceSources {
  return {
    cpu: () => cpu,
    llamaGpu: async () => null,
    nvidiaSmi: async () => {
      throw new Error("nvidia-smi must not run here");
    },
    ...overrides,
  };
}

describe("readDeviceStatus", () => {
  it("reports the CPU alone on the CPU backend, without asking nvidia-smi", async () => {
    await expect(readDeviceStatus(sources({}))).resolves.toEqual({ backend: "CPU", devices: [cpu] });
  });

  it("prefers nvidia-smi's per-GPU figures on CUDA", async () => {
    const status = await readDeviceStatus(
      sources({
        llamaGpu: async () => ({
          backend: "CUDA",
          deviceNames: ["NVIDIA H200"],
          vramUsedBytes: 1,
          vramTotalBytes: 2,
        }),
        nvidiaSmi: async () => [h200],
      }),
    );
    expect(status).toEqual({ backend: "CUDA", devices: [h200, cpu] });
  });

  it("falls back to node-llama-cpp's VRAM state without nvidia-smi, and on Vulkan or Metal", async () => {
    const reading = { deviceNames: ["GPU A", "GPU B"], vramUsedBytes: 300.4, vramTotalBytes: 1000 };
    const expected = {
      name: "GPU A + GPU B",
      memory_used_bytes: 300,
      memory_total_bytes: 1000,
      utilization_percent: null,
    };
    await expect(
      readDeviceStatus(
        sources({ llamaGpu: async () => ({ backend: "CUDA", ...reading }), nvidiaSmi: async () => null }),
      ),
    ).resolves.toEqual({ backend: "CUDA", devices: [expected, cpu] });
    await expect(
      readDeviceStatus(sources({ llamaGpu: async () => ({ backend: "Metal", ...reading }) })),
    ).resolves.toEqual({ backend: "Metal", devices: [expected, cpu] });
  });
});

describe("createCpuDeviceSampler", () => {
  it("reports system memory and the process's share of all cores since the last sample", () => {
    let at = 0;
    let micros = 0;
    const sample = createCpuDeviceSampler({
      now: () => at,
      cpuUsage: () => ({ user: micros, system: 0 }),
      cores: 4,
    });
    const first = sample();
    expect(first.utilization_percent).toBeNull();
    expect(first.memory_total_bytes).toBeGreaterThan(0);
    expect(first.memory_used_bytes).toBeLessThanOrEqual(first.memory_total_bytes);
    expect(first.name).toMatch(/\(4 cores\)$/);
    // One core busy for one second of four cores' capacity: 25 %.
    at += 1000;
    micros += 1_000_000;
    expect(sample().utilization_percent).toBe(25);
    // More than the cores can do (clock skew) is capped.
    at += 100;
    micros += 10_000_000;
    expect(sample().utilization_percent).toBe(100);
  });
});
