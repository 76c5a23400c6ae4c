import { type Logger, silentLogger } from "@paddler/logger";
import type { BalancerSettings, ServiceAddr } from "../balancer-settings.js";
import { type RunningBalancer, startBalancer } from "../start-balancer.js";

/** 127.0.0.1 on a port the system picks, so tests never collide. */
export const loopbackAnyPort: ServiceAddr = { host: "127.0.0.1", port: 0 };

/** What a balancer unit test starts from: inference and management only, state in memory. */
const testSettings: BalancerSettings = {
  inferenceAddr: loopbackAnyPort,
  managementAddr: loopbackAnyPort,
  webAdminPanelAddr: null,
  compatOpenaiAddr: null,
  stateDatabase: "memory://",
  maxBufferedRequests: 30,
  bufferedRequestTimeoutMs: 10_000,
  inferenceItemTimeoutMs: 30_000,
  inferenceCorsAllowedHosts: [],
  managementCorsAllowedHosts: [],
  statsdPrefix: "paddler_",
};

export interface TestBalancer {
  readonly balancer: RunningBalancer;
  /** `http://host:port` of the inference, management and OpenAI-compatible services. */
  readonly inference: string;
  readonly management: string;
  readonly openai: string;
  /** Bare `host:port` of each service ("" where it does not run), for sockets and agents. */
  readonly inferenceAddress: string;
  readonly managementAddress: string;
  readonly openaiAddress: string;
}

/** Starts a balancer on loopback ports with the test settings, each override replacing one. */
export async function startTestBalancer(
  overrides: Partial<BalancerSettings> = {},
  { logger = silentLogger() }: { logger?: Logger } = {},
): Promise<TestBalancer> {
  const balancer = await startBalancer({ logger, config: { ...testSettings, ...overrides } });
  const { inference, management, compatOpenai } = balancer.addresses;
  return {
    balancer,
    inference: `http://${inference}`,
    management: `http://${management}`,
    openai: `http://${compatOpenai}`,
    inferenceAddress: inference ?? "",
    managementAddress: management ?? "",
    openaiAddress: compatOpenai ?? "",
  };
}
