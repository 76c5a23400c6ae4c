import type { AgentDevice, AgentDeviceStatus } from "@paddler/protocol";

/** What node-llama-cpp says about the GPU backend it runs on. */
export interface LlamaGpuReading {
  /** llama.cpp's backend as the panel names it. */
  backend: "CUDA" | "Vulkan" | "Metal";
  deviceNames: string[];
  /** VRAM over all the backend's devices (node-llama-cpp does not split it per device). */
  vramUsedBytes: number;
  vramTotalBytes: number;
}

export interface DeviceSources {
  /** The GPU the model runs on, or null when llama.cpp runs on the CPU (or is not started yet). */
  llamaGpu(): Promise<LlamaGpuReading | null>;
  /** nvidia-smi's per-GPU load, or null where it is absent. */
  nvidiaSmi(): Promise<AgentDevice[] | null>;
  cpu(): AgentDevice;
}

/**
 * The agent's compute devices. On the CPU backend: the CPU with system memory. On a GPU backend:
 * the GPUs first (nvidia-smi's per-device figures with utilisation for CUDA where it answers,
 * else node-llama-cpp's VRAM state as one entry), then the CPU that hosts them.
 */
export async function readDeviceStatus(sources: DeviceSources): Promise<AgentDeviceStatus> {
  const cpu = sources.cpu();
  const gpu = await sources.llamaGpu();
  if (gpu === null) return { backend: "CPU", devices: [cpu] };
  const fromSmi = gpu.backend === "CUDA" ? await sources.nvidiaSmi() : null;
  if (fromSmi !== null && fromSmi.length > 0) return { backend: gpu.backend, devices: [...fromSmi, cpu] };
  const fromLlama: AgentDevice = {
    name: gpu.deviceNames.length > 0 ? gpu.deviceNames.join(" + ") : gpu.backend,
    memory_used_bytes: Math.max(0, Math.round(gpu.vramUsedBytes)),
    memory_total_bytes: Math.max(0, Math.round(gpu.vramTotalBytes)),
    utilization_percent: null,
  };
  return { backend: gpu.backend, devices: [fromLlama, cpu] };
}
