import type { AgentControllerSnapshot } from "@paddler/protocol";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { registerAgentDeviceMetrics } from "./agent-device-metrics.js";

const base: AgentControllerSnapshot = {
  id: "a1",
  name: "gpu-node",
  desired_slots_total: 4,
  slots_processing: 0,
  slots_total: 4,
  model_path: null,
  download_current: 0,
  download_total: 0,
  download_filename: null,
  download_indeterminate: false,
  issues: [],
  uses_chat_template_override: false,
  state_application_status: "Applied",
};

describe("registerAgentDeviceMetrics", () => {
  it("exports memory and utilisation per agent and device, skipping unknown utilisation", async () => {
    const registry = new Registry();
    let agents: AgentControllerSnapshot[] = [
      {
        ...base,
        pool: "big",
        device: {
          backend: "CUDA",
          devices: [
            { name: "NVIDIA H200", memory_used_bytes: 10, memory_total_bytes: 20, utilization_percent: 30 },
            { name: "NVIDIA H200", memory_used_bytes: 1, memory_total_bytes: 20, utilization_percent: null },
          ],
        },
      },
      // A Paddler agent (or one before its first reading) reports no device.
      { ...base, id: "a2", name: null },
    ];
    registerAgentDeviceMetrics({ registry, prefix: "paddler_", agents: () => agents });
    const text = await registry.metrics();
    const gpu = (index: number) =>
      `agent="gpu-node",pool="big",backend="CUDA",device="NVIDIA H200",index="${index}"`;
    expect(text).toContain(`paddler_agent_device_memory_used_bytes{${gpu(0)}} 10`);
    expect(text).toContain(`paddler_agent_device_memory_used_bytes{${gpu(1)}} 1`);
    expect(text).toContain(`paddler_agent_device_memory_total_bytes{${gpu(1)}} 20`);
    expect(text).toContain(`paddler_agent_device_utilization_percent{${gpu(0)}} 30`);
    expect(text).not.toContain(`paddler_agent_device_utilization_percent{${gpu(1)}}`);
    expect(text).not.toContain('agent="a2"');

    agents = [];
    expect(await registry.metrics()).not.toContain("gpu-node");
  });
});
