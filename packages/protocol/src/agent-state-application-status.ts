import { z } from "zod";

export const agentStateApplicationStatusSchema = z.enum([
  "Applied",
  "AttemptedAndNotAppliable",
  "AttemptedAndRetrying",
  "Fresh",
  "Stuck",
]);
export type AgentStateApplicationStatus = z.infer<typeof agentStateApplicationStatusSchema>;
