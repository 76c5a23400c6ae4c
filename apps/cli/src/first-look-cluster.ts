import { existsSync } from "node:fs";
import { parseAgentConfig, startAgent } from "@paddler/agent";
import { parseBalancerConfig, startBalancer } from "@paddler/balancer";
import { createLogger, type Logger } from "@paddler/logger";
import { z } from "zod";

/** A plain role/content template: the bundled test model has none of its own. */
export const FIRST_LOOK_CHAT_TEMPLATE = `{% for message in messages %}{{ message.role }}: {{ message.content }}
{% endfor %}{% if add_generation_prompt %}assistant: {% endif %}`;

const desiredStateResponseSchema = z.looseObject({ model: z.unknown() });

export interface FirstLookClusterOptions {
  modelPath: string;
  cacheDir: string;
  /** Read for PADDLER_LOG_LEVEL, as the balancer and agent commands do. */
  env: Record<string, string | undefined>;
}

/**
 * `paddler start`: one balancer with every service on its usual local port and one small agent,
 * state in memory. When the state has no model yet, it points the cluster at the bundled test
 * model through the management API (the same PUT the admin panel makes), so the first look
 * works end to end without choosing a model.
 */
export async function startFirstLookCluster(
  options: FirstLookClusterOptions,
): Promise<{ close(): Promise<void> }> {
  const balancerConfig = parseBalancerConfig(
    [
      "--inference-addr=127.0.0.1:8061",
      "--management-addr=127.0.0.1:8060",
      "--web-admin-panel-addr=127.0.0.1:8062",
      "--compat-openai-addr=127.0.0.1:8063",
      "--state-database=memory://",
    ],
    options.env,
  );
  const agentConfig = parseAgentConfig(
    ["--management-addr=127.0.0.1:8060", "--slots=4", "--threads=1", "--name=first-look"],
    options.env,
  );
  const logger = createLogger({ level: balancerConfig.logLevel });
  const balancer = await startBalancer({
    config: balancerConfig,
    logger: logger.child({ component: "balancer" }),
  });
  try {
    await useBundledModelWhenNoneIsSet({
      managementUrl: "http://127.0.0.1:8060",
      modelPath: options.modelPath,
      logger,
    });
    const agent = await startAgent({
      config: agentConfig,
      logger: logger.child({ component: "agent" }),
      cacheDir: options.cacheDir,
    });
    logger.info("first-look cluster started", {
      addresses: balancer.addresses,
      adminPanel: "http://127.0.0.1:8062",
    });
    return {
      close: async () => {
        await agent.close();
        await balancer.close();
      },
    };
  } catch (error) {
    await balancer.close();
    throw error;
  }
}

async function useBundledModelWhenNoneIsSet(options: {
  managementUrl: string;
  modelPath: string;
  logger: Logger;
}): Promise<void> {
  const url = `${options.managementUrl}/api/v1/balancer_desired_state`;
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`GET ${url} answered ${response.status}`);
  }
  const current = desiredStateResponseSchema.parse(await response.json());
  if (current.model !== "None") {
    return;
  }
  if (!existsSync(options.modelPath)) {
    // Still set it: the agent then reports the missing file in the admin panel, which says more.
    options.logger.warn("the bundled test model is missing", { modelPath: options.modelPath });
  }
  const desired = {
    ...current,
    model: { LocalToAgent: options.modelPath },
    chat_template_override: { content: FIRST_LOOK_CHAT_TEMPLATE },
    use_chat_template_override: true,
  };
  const stored = await fetch(url, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(desired),
  });
  if (!stored.ok) {
    throw new Error(`PUT ${url} answered ${stored.status}: ${await stored.text()}`);
  }
  options.logger.info("desired state set to the bundled test model", { modelPath: options.modelPath });
}
