import type { BufferedRequestsResponse } from "@paddler/client";
import { UsageBar } from "./usage-bar.js";

export interface BufferedRequestsCardProps {
  buffered: BufferedRequestsResponse | null | undefined;
  maxBufferedRequests: number;
  bufferedRequestTimeoutMs: number;
}

/** Requests waiting for a free slot, live. */
export function BufferedRequestsCard({
  buffered,
  maxBufferedRequests,
  bufferedRequestTimeoutMs,
}: BufferedRequestsCardProps) {
  const current = buffered?.buffered_requests_current;
  return (
    <section className="card" aria-labelledby="buffered-heading">
      <h2 id="buffered-heading">Buffered requests</h2>
      {maxBufferedRequests === 0 ? (
        <p>Buffering is off: requests get 503 when every slot is busy.</p>
      ) : (
        <>
          <p className="big-number" data-testid="buffered-requests">
            {current ?? "…"} <span className="muted">of {maxBufferedRequests}</span>
          </p>
          <UsageBar value={current ?? 0} max={maxBufferedRequests} label="Buffered requests" />
          <p className="muted small">
            A request waits up to {bufferedRequestTimeoutMs / 1000} s for a slot, then gets 504.
          </p>
        </>
      )}
    </section>
  );
}
