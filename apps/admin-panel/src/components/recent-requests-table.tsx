import { useQuery } from "@tanstack/react-query";
import { usePanel } from "../config/panel-context.js";
import { recentRequestsQueryOptions } from "../queries/recent-requests.js";

const ms = (value: number | null) =>
  value === null ? "–" : value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;

/** The last requests that ended: id, agent, tokens, time to first token, duration, outcome. */
export function RecentRequestsTable() {
  const { client } = usePanel();
  const recent = useQuery(recentRequestsQueryOptions(client));
  const rows = recent.data?.requests ?? [];
  return (
    <section aria-labelledby="activity-heading" data-testid="recent-requests">
      <h2 id="activity-heading">Recent requests</h2>
      {recent.isError ? (
        <p className="error">Could not read the recent requests: {recent.error.message}</p>
      ) : rows.length === 0 ? (
        <p className="muted">No request has ended since the balancer started.</p>
      ) : (
        <div className="table-scroll">
          <table className="activity">
            <thead>
              <tr>
                <th scope="col">Request</th>
                <th scope="col">Agent</th>
                <th scope="col">Tokens (prompt / generated)</th>
                <th scope="col">First token</th>
                <th scope="col">Duration</th>
                <th scope="col">Outcome</th>
                <th scope="col">Ended</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={`${row.id}-${row.finished_at}`} data-outcome={row.outcome}>
                  <td>
                    <code className="wrap">{row.id}</code>
                  </td>
                  <td>{row.agent ?? <span className="muted">none</span>}</td>
                  <td>
                    {row.prompt_tokens ?? "–"} / {row.generated_tokens ?? "–"}
                  </td>
                  <td>{ms(row.time_to_first_token_ms)}</td>
                  <td>{ms(row.duration_ms)}</td>
                  <td>
                    <span
                      className={
                        row.outcome === "completed" ? "ok" : row.outcome === "cancelled" ? "muted" : "error"
                      }
                    >
                      {row.outcome.replaceAll("_", " ")}
                    </span>
                  </td>
                  <td>{new Date(row.finished_at).toLocaleTimeString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
