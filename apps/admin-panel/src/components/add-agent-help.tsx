import { useState } from "react";

/** "How to add an agent?" with the exact command for this balancer. */
export function AddAgentHelp({ managementAddr }: { managementAddr: string }) {
  const command = `pnpm paddler agent --management-addr ${managementAddr} --slots 4`;
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(command);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <details className="add-agent">
      <summary>How to add an agent?</summary>
      <p>
        Run this on a machine that can reach the management service. Set --slots to the parallel requests it
        should take.
      </p>
      <div className="command">
        <code data-testid="add-agent-command">{command}</code>
        <button type="button" onClick={copy}>
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <p className="muted small">
        Add --name to label it here. The agent loads the model this balancer asks for.
      </p>
    </details>
  );
}
