import { type AgentControllerSnapshot, DEFAULT_MODEL_POOL } from "@paddler/protocol";
import { Gauge, type Registry } from "prom-client";

/**
 * The agents' compute device load as they report it, one series per agent and device:
 * `<prefix>agent_device_memory_used_bytes`, `…_memory_total_bytes` and `…_utilization_percent`
 * (only where the driver tells it), labelled `agent` (name, else id), `pool`, `backend` (CPU,
 * CUDA, Vulkan, Metal), `device` (its name) and `index` (its place in the agent's list, so two
 * identical GPUs stay apart). Read at scrape time from the live agents, so a departed agent's
 * series go with it.
 */
export function registerAgentDeviceMetrics(options: {
  registry: Registry;
  prefix: string;
  agents: () => AgentControllerSnapshot[];
}): void {
  const labelNames = ["agent", "pool", "backend", "device", "index"] as const;
  const deviceGauge = (
    name: string,
    help: string,
    value: (device: NonNullable<AgentControllerSnapshot["device"]>["devices"][number]) => number | null,
  ) =>
    new Gauge({
      name: `${options.prefix}${name}`,
      help,
      labelNames,
      registers: [options.registry],
      collect() {
        this.reset();
        for (const agent of options.agents()) {
          if (agent.device === undefined) continue;
          agent.device.devices.forEach((device, index) => {
            const reading = value(device);
            if (reading === null) return;
            this.set(
              {
                agent: agent.name ?? agent.id,
                pool: agent.pool ?? DEFAULT_MODEL_POOL,
                backend: agent.device?.backend ?? "",
                device: device.name,
                index: String(index),
              },
              reading,
            );
          });
        }
      },
    });
  deviceGauge(
    "agent_device_memory_used_bytes",
    "Memory in use on an agent's compute device (VRAM, or system RAM for the CPU)",
    (device) => device.memory_used_bytes,
  );
  deviceGauge(
    "agent_device_memory_total_bytes",
    "Memory of an agent's compute device (VRAM, or system RAM for the CPU)",
    (device) => device.memory_total_bytes,
  );
  deviceGauge(
    "agent_device_utilization_percent",
    "Busy share of an agent's compute device where the driver tells it (for the CPU: the agent process's share of all cores)",
    (device) => device.utilization_percent,
  );
}
