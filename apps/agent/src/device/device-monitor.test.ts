import type { AgentDeviceStatus } from "@paddler/protocol";
import { describe, expect, it, vi } from "vitest";
import { startDeviceMonitor } from "./device-monitor.js";

const reading: AgentDeviceStatus = { backend: "CPU", devices: [] };

describe("startDeviceMonitor", () => {
  it("reads at once, then on every interval, never two readings at a time, and stops", async () => {
    vi.useFakeTimers();
    try {
      const pending: { release?: () => void } = {};
      const read = vi.fn(
        () =>
          new Promise<AgentDeviceStatus>((resolve) => {
            pending.release = () => resolve(reading);
          }),
      );
      const onReading = vi.fn();
      const monitor = startDeviceMonitor({ read, onReading, intervalMs: 1000 });
      expect(read).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(3000);
      expect(read).toHaveBeenCalledTimes(1);
      pending.release?.();
      await vi.advanceTimersByTimeAsync(0);
      expect(onReading).toHaveBeenCalledWith(reading);
      await vi.advanceTimersByTimeAsync(1000);
      expect(read).toHaveBeenCalledTimes(2);
      monitor.stop();
      pending.release?.();
      await vi.advanceTimersByTimeAsync(5000);
      expect(read).toHaveBeenCalledTimes(2);
      expect(onReading).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("skips a reading that fails", async () => {
    const onReading = vi.fn();
    const monitor = startDeviceMonitor({
      read: () => Promise.reject(new Error("no driver")),
      onReading,
      intervalMs: 10,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    monitor.stop();
    expect(onReading).not.toHaveBeenCalled();
  });
});
