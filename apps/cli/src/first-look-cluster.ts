import { existsSync } from "node:fs";
import type { Tracer } from "@opentelemetry/api";
import { type RunningAgent, startAgent } from "@paddler/agent";
import { parseBalancerConfig, startBalancer } from "@paddler/balancer";
import { formatAddr } from "@paddler/cli-flags";
import type { Logger } from "@paddler/logger";
import type { AgentDesiredModel } from "@paddler/protocol";
import { z } from "zod";
import { reportDownloadProgress } from "./start/download-progress-reporter.js";
import type { StartConfig } from "./start/start-flags.js";

/** A plain role/content template: the bundled test model has none of its own. */
export const FIRST_LOOK_CHAT_TEMPLATE = `{% for message in messages %}{{ message.role }}: {{ message.content }}
{% endfor %}{% if add_generation_prompt %}assistant: {% endif %}`;

const desiredStateResponseSchema = z.looseObject({ model: z.unknown() });

export interface FirstLookClusterOptions {
  config: StartConfig;
  /** The model `--model` named, or null for the bundled test model at `bundledModelPath`. */
  model: AgentDesiredModel | null;
  bundledModelPath: string;
  cacheDir: string;
  logger: Logger;
  /** Read for the balancer's PADDLER_* settings, as the balancer command does. */
  env: Record<string, string | undefined>;
  huggingFaceEndpoint?: string;
  huggingFaceToken?: string;
  /** Where the download progress bar goes (a terminal) or whether it is logged instead. */
  progressStream: NodeJS.WriteStream;
  /** Tracing for each service (see the README's Tracing section); absent: off. */
  tracers?: { balancer?: Tracer | undefined; agent?: Tracer | undefined };
}

export interface FirstLookCluster {
  /** The admin panel's address, e.g. http://127.0.0.1:8062. */
  readonly adminPanelUrl: string;
  readonly addresses: Readonly<Record<string, string>>;
  readonly agent: RunningAgent;
  close(): Promise<void>;
}

/**
 * `paddler start`: one balancer with every service on its usual local port and one small agent,
 * state in memory. The cluster serves the model `--model` names, or, when the state has no model
 * yet, the bundled test model, set through the management API (the same PUT the admin panel makes).
 */
export async function startFirstLookCluster(options: FirstLookClusterOptions): Promise<FirstLookCluster> {
  const { config, logger } = options;
  const balancerConfig = parseBalancerConfig(
    [
      `--inference-addr=${formatAddr(config.inferenceAddr)}`,
      `--management-addr=${formatAddr(config.managementAddr)}`,
      `--web-admin-panel-addr=${formatAddr(config.webAdminPanelAddr)}`,
      `--compat-openai-addr=${formatAddr(config.compatOpenaiAddr)}`,
      "--state-database=memory://",
      `--log-level=${config.logLevel}`,
    ],
    options.env,
  );
  const balancer = await startBalancer({
    config: balancerConfig,
    logger: logger.child({ component: "balancer" }),
    tracer: options.tracers?.balancer,
  });
  try {
    // Port 0 resolves only once bound: the agent and the PUT use the real address.
    const managementAddress = balancer.addresses.management ?? formatAddr(config.managementAddr);
    const [host, port] = splitAddress(managementAddress);
    await setDesiredModel({
      managementUrl: `http://${managementAddress}`,
      model: options.model,
      bundledModelPath: options.bundledModelPath,
      logger,
    });
    const agent = await startAgent({
      config: {
        managementAddr: { host, port },
        slots: config.slots,
        threads: config.threads,
        name: "first-look",
      },
      logger: logger.child({ component: "agent" }),
      cacheDir: options.cacheDir,
      huggingFaceEndpoint: options.huggingFaceEndpoint,
      huggingFaceToken: options.huggingFaceToken,
      tracer: options.tracers?.agent,
    });
    const stopProgress = reportDownloadProgress({
      status: agent.status,
      logger: logger.child({ component: "start" }),
      stream: options.progressStream,
    });
    const adminPanelUrl = `http://${balancer.addresses.webAdminPanel}`;
    logger.info("first-look cluster started", { addresses: balancer.addresses, adminPanel: adminPanelUrl });
    return {
      adminPanelUrl,
      addresses: balancer.addresses,
      agent,
      close: async () => {
        stopProgress();
        await agent.close();
        await balancer.close();
      },
    };
  } catch (error) {
    await balancer.close();
    throw error;
  }
}

function splitAddress(address: string): [string, number] {
  const index = address.lastIndexOf(":");
  return [address.slice(0, index).replace(/^\[|\]$/g, ""), Number(address.slice(index + 1))];
}

async function setDesiredModel(options: {
  managementUrl: string;
  model: AgentDesiredModel | null;
  bundledModelPath: string;
  logger: Logger;
}): Promise<void> {
  const url = `${options.managementUrl}/api/v1/balancer_desired_state`;
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`GET ${url} answered ${response.status}`);
  }
  const current = desiredStateResponseSchema.parse(await response.json());
  if (options.model === null && current.model !== "None") {
    return;
  }
  const bundled = options.model === null;
  if (bundled && !existsSync(options.bundledModelPath)) {
    // Still set it: the agent then reports the missing file in the admin panel, which says more.
    options.logger.warn("the bundled test model is missing", { modelPath: options.bundledModelPath });
  }
  const desired = {
    ...current,
    model: options.model ?? { LocalToAgent: options.bundledModelPath },
    // The test model has no chat template; a real model brings its own.
    ...(bundled
      ? { chat_template_override: { content: FIRST_LOOK_CHAT_TEMPLATE }, use_chat_template_override: true }
      : {}),
  };
  const stored = await fetch(url, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(desired),
  });
  if (!stored.ok) {
    throw new Error(`PUT ${url} answered ${stored.status}: ${await stored.text()}`);
  }
  options.logger.info(bundled ? "serving the bundled test model" : "serving the model given with --model", {
    model: desired.model,
  });
}
