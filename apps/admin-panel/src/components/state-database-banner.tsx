import { useQuery } from "@tanstack/react-query";
import { usePanel } from "../config/panel-context.js";
import { formatDuration } from "../live/format-duration.js";
import { useNow } from "../live/use-now.js";
import { stateDatabaseStatusQueryOptions } from "../queries/state-database-health.js";

/**
 * Says, on every page, when the balancer cannot reach its shared state database (PostgreSQL):
 * changes to models, pools and routing are refused until it returns, while inference goes on
 * with the state last read. Nothing is shown while it answers, or with a memory or file state.
 */
export function StateDatabaseBanner() {
  const { client } = usePanel();
  const status = useQuery(stateDatabaseStatusQueryOptions(client));
  const now = useNow();
  if (status.data === undefined || status.data.available) return null;
  const { since, reason } = status.data;
  return (
    <div className="banner banner-error" role="alert" data-testid="state-database-banner">
      <strong>State database unreachable</strong> for {formatDuration(now - since)} (since{" "}
      {new Date(since).toLocaleTimeString()}): changes to models, pools and routing are refused until it
      returns; inference goes on with the last state read.
      {reason ? <span className="banner-detail"> {reason}</span> : null}
    </div>
  );
}
