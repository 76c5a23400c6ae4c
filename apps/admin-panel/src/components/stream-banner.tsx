import { useConnectionHealth } from "../live/connection-health.js";
import { formatDuration } from "../live/format-duration.js";
import { useNow } from "../live/use-now.js";

const backNoticeMs = 15_000;

/**
 * Says at once when the live stream from the balancer drops (what is shown is stale, and since
 * when), and for a while after it comes back.
 */
export function StreamBanner() {
  const health = useConnectionHealth();
  const now = useNow();
  if (health.connected === false) {
    const staleSince = health.lastDataAt ?? health.changedAt;
    return (
      <div className="banner banner-error" role="alert" data-testid="stream-banner">
        <strong>Lost the connection to the balancer</strong> {formatDuration(now - health.changedAt)} ago;
        reconnecting. What this page shows is stale: last live data{" "}
        <span data-testid="stale-age">{formatDuration(now - staleSince)}</span> ago (
        {new Date(staleSince).toLocaleTimeString()}).
      </div>
    );
  }
  if (health.connected && health.droppedBefore && now - health.changedAt < backNoticeMs) {
    return (
      <div className="banner banner-ok" role="status" data-testid="stream-banner">
        Connection to the balancer is back (since {new Date(health.changedAt).toLocaleTimeString()}); the data
        is live again.
      </div>
    );
  }
  return null;
}
