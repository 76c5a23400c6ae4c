import { type AgentIssue, agentIssueTag } from "@paddler/protocol";

/**
 * A model could not be resolved to a local file. The `issue` is exactly what the agent reports to
 * the balancer, so the reconciler only has to forward it; `code` is the issue's tag for logs and switches.
 */
export class ModelSourceError extends Error {
  override readonly name = "ModelSourceError";
  readonly code: string;
  readonly issue: AgentIssue;

  constructor(issue: AgentIssue, options?: { cause?: unknown; message?: string }) {
    const code = agentIssueTag(issue);
    super(options?.message ?? `${code}: ${JSON.stringify(Object.values(issue)[0])}`, {
      cause: options?.cause,
    });
    this.code = code;
    this.issue = issue;
  }
}
