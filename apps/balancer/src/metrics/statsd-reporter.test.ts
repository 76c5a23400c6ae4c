import { createSocket } from "node:dgram";
import type { AddressInfo } from "node:net";
import { silentLogger } from "@paddler/logger";
import { describe, expect, it } from "vitest";
import { startTestBalancer } from "../testing/start-test-balancer.js";
import { startStatsdReporter, statsdLines } from "./statsd-reporter.js";

describe("StatsD reporter", () => {
  it("formats Paddler's gauges with the prefix", () => {
    expect(statsdLines("paddler_", { slots_processing: 1, slots_total: 4, requests_buffered: 0 })).toBe(
      "paddler_slots_processing:1|g\npaddler_slots_total:4|g\npaddler_requests_buffered:0|g",
    );
  });

  it("sends the current gauges over UDP every interval", async () => {
    const server = createSocket("udp4");
    await new Promise<void>((resolve) => server.bind(0, "127.0.0.1", resolve));
    const received: string[] = [];
    const twoPackets = new Promise<void>((resolve) => {
      server.on("message", (message) => {
        received.push(message.toString());
        if (received.length >= 2) resolve();
      });
    });
    let processing = 0;
    const reporter = startStatsdReporter({
      host: "127.0.0.1",
      port: (server.address() as AddressInfo).port,
      prefix: "p.",
      intervalMs: 20,
      gauges: () => ({ slots_processing: processing++, slots_total: 2, requests_buffered: 3 }),
      logger: silentLogger(),
    });
    await twoPackets;
    await reporter.close();
    server.close();
    expect(received[0]).toBe("p.slots_processing:0|g\np.slots_total:2|g\np.requests_buffered:3|g");
    expect(received[1]).toContain("p.slots_processing:1|g");
  });

  it("is started by the balancer from --statsd-addr, with the prefix and interval", async () => {
    const server = createSocket("udp4");
    await new Promise<void>((resolve) => server.bind(0, "127.0.0.1", resolve));
    const packet = new Promise<string>((resolve) =>
      server.once("message", (message) => resolve(message.toString())),
    );
    const { balancer } = await startTestBalancer({
      bufferedRequestTimeoutMs: 1000,
      inferenceItemTimeoutMs: 1000,
      statsdPrefix: "lb.",
      statsdAddr: { host: "127.0.0.1", port: (server.address() as AddressInfo).port },
      statsdReportingIntervalMs: 20,
    });
    try {
      expect(await packet).toBe("lb.slots_processing:0|g\nlb.slots_total:0|g\nlb.requests_buffered:0|g");
    } finally {
      await balancer.close();
      server.close();
    }
  });
});
