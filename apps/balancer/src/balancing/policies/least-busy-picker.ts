import { pickLeastBusyAgent } from "../pick-least-busy-agent.js";
import type { AgentPicker } from "./agent-picker.js";

/** Paddler's rule: the agent running the fewest requests. */
export const leastBusyPicker: AgentPicker = { pick: (agents) => pickLeastBusyAgent(agents) };
