import type { Logger } from "@paddler/logger";
import type { AgentStatus } from "../agent-status.js";
import type { EngineChoice } from "../config/engine-choice.js";
import { UpstreamEngine } from "../engine/upstream-engine.js";
import { UpstreamEngineHost } from "../engine/upstream-engine-host.js";
import { createLlamaServerAdapter } from "./llama-server-external/llama-server-adapter.js";
import { createOpenAIUpstreamAdapter, openAIRootUrl } from "./openai-upstream/openai-upstream-adapter.js";

/**
 * For the engines in front of a server the agent does not start (an external llama-server, an
 * OpenAI-compatible server): the host that stands in for the reconciler. Null for the others.
 */
export async function startUpstreamHost(options: {
  engine: EngineChoice;
  slots: number;
  status: AgentStatus;
  logger: Logger;
  pollIntervalMs?: number;
}): Promise<UpstreamEngineHost | null> {
  const { engine: choice, status, logger } = options;
  let host: UpstreamEngineHost | null = null;
  let engine: UpstreamEngine;
  if (choice.kind === "LlamaServerExternal") {
    const { host: address, port } = choice.addr;
    const rootUrl = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
    engine = new UpstreamEngine({
      adapter: createLlamaServerAdapter({ rootUrl, kind: "LlamaServerExternal" }),
      slotCap: options.slots > 0 ? options.slots : null,
      logger: logger.child({ upstream: rootUrl }),
      pollIntervalMs: options.pollIntervalMs,
      onChange: () => host?.onUpstreamChanged(),
    });
  } else if (choice.kind === "OpenAIUpstream") {
    const rootUrl = openAIRootUrl(choice.url);
    engine = new UpstreamEngine({
      adapter: createOpenAIUpstreamAdapter({ rootUrl, apiKey: choice.apiKey, slots: options.slots }),
      slotCap: options.slots,
      logger: logger.child({ upstream: rootUrl }),
      pollIntervalMs: options.pollIntervalMs,
      onChange: () => host?.onUpstreamChanged(),
    });
  } else {
    return null;
  }
  host = new UpstreamEngineHost({ engine, status, logger });
  await host.start();
  return host;
}
