import { type AgentIssue, agentIssueTag } from "@paddler/protocol";
import { Link } from "wouter";
import { DEFAULT_POOL } from "../queries/pools.js";
import { detailText } from "./issue-detail-text.js";
import { balancerBehaviour, issueGuidance } from "./issue-guidance.js";

/**
 * An agent's issues: what each means, what the balancer does meanwhile, what the operator can
 * do (with a link to the model page of the agent's pool where that is the fix), and its details.
 */
export function AgentIssues({ issues, pool }: { issues: readonly AgentIssue[]; pool?: string | undefined }) {
  if (issues.length === 0) return <p className="ok">No issues.</p>;
  const modelPage =
    pool === undefined || pool === DEFAULT_POOL ? "/model" : `/model?pool=${encodeURIComponent(pool)}`;
  return (
    <ul className="issues" data-testid="agent-issue-list">
      {issues.map((issue) => {
        const tag = agentIssueTag(issue);
        const guidance = issueGuidance(tag);
        const details = Object.entries(Object.values(issue)[0] ?? {}) as [string, unknown][];
        return (
          <li key={`${tag}-${JSON.stringify(issue)}`}>
            <strong>{tag}</strong> <span>{guidance.meaning}</span>
            <p className="small issue-effect">
              <span className="issue-label">Meanwhile: </span>
              {balancerBehaviour}
            </p>
            <p className="small issue-action">
              <span className="issue-label">What you can do: </span>
              {guidance.action}
              {guidance.modelPageFixes ? (
                <>
                  {" "}
                  <Link href={modelPage}>Open the model page</Link>
                </>
              ) : null}
            </p>
            <dl className="issue-details">
              {details.map(([key, value]) => (
                <div key={key}>
                  <dt>{key}</dt>
                  <dd>
                    {key === "template_content" ? (
                      <pre>{detailText(value)}</pre>
                    ) : (
                      <code>{detailText(value)}</code>
                    )}
                  </dd>
                </div>
              ))}
            </dl>
          </li>
        );
      })}
    </ul>
  );
}
