export { AgentStatus } from "./agent-status.js";
export type {
  EngineLoadOptions,
  InferenceEngine,
  InferenceEngineFactory,
} from "./engine/inference-engine.js";
export { type AgentSettings, type RunningAgent, type StartAgentOptions, startAgent } from "./start-agent.js";
