import { z } from "zod";

const bytes = z.number().int().nonnegative();

/** One compute device an agent runs on (a GPU, or the CPU with system memory). */
export const agentDeviceSchema = z.strictObject({
  name: z.string(),
  memory_used_bytes: bytes,
  memory_total_bytes: bytes,
  /** Busy share in percent where the driver tells it (nvidia-smi), else null. */
  utilization_percent: z.number().min(0).max(100).nullable(),
});
export type AgentDevice = z.infer<typeof agentDeviceSchema>;

/**
 * The agent's compute device load (beyond Paddler: an optional status field, so Paddler's peers
 * are unaffected). `backend` is llama.cpp's: CPU, CUDA, Vulkan or Metal.
 */
export const agentDeviceStatusSchema = z.strictObject({
  backend: z.string(),
  devices: z.array(agentDeviceSchema),
});
export type AgentDeviceStatus = z.infer<typeof agentDeviceStatusSchema>;
