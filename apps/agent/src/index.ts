export { AgentStatus } from "./agent-status.js";
export { type AgentConfig, agentFlags, agentHelp, parseAgentConfig } from "./config/agent-config.js";
export type { EngineChoice } from "./config/engine-choice.js";
export type {
  EngineLoadOptions,
  InferenceEngine,
  InferenceEngineFactory,
} from "./engine/inference-engine.js";
export { createSyntheticEngineFactory } from "./engine/synthetic-engine.js";
export { findLlamaServerBinary } from "./engines/llama-server-managed/find-llama-server-binary.js";
export { llamaServerEnv } from "./engines/llama-server-managed/llama-server-env.js";
export { spawnWatched, type WatchedProcess } from "./engines/llama-server-managed/spawn-watched.js";
export { defaultCacheDir } from "./model-sources/default-cache-dir.js";
export { huggingFaceSettingsFromEnv } from "./model-sources/hugging-face-settings.js";
export {
  type AgentSettings,
  type AgentSlotsView,
  type RunningAgent,
  type StartAgentOptions,
  startAgent,
} from "./start-agent.js";
