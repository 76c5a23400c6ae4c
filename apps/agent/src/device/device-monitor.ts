import type { Logger } from "@paddler/logger";
import type { AgentDeviceStatus } from "@paddler/protocol";

export interface DeviceMonitor {
  stop(): void;
}

/**
 * Reads the device load now and every `intervalMs` after, handing each reading on. A reading
 * never overlaps the previous one (nvidia-smi can be slow); one that fails is logged at debug
 * and skipped, since device load is informative and must never disturb serving.
 */
export function startDeviceMonitor({
  read,
  onReading,
  logger,
  intervalMs = 5000,
}: {
  read: () => Promise<AgentDeviceStatus>;
  onReading: (device: AgentDeviceStatus) => void;
  logger?: Logger;
  intervalMs?: number;
}): DeviceMonitor {
  let stopped = false;
  let reading = false;
  const sample = async () => {
    if (stopped || reading) return;
    reading = true;
    try {
      const device = await read();
      if (!stopped) onReading(device);
    } catch (error) {
      logger?.debug("could not read the device load", { error: String(error) });
    } finally {
      reading = false;
    }
  };
  void sample();
  const timer = setInterval(() => void sample(), intervalMs);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
