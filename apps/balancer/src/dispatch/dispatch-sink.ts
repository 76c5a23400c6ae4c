import type { DispatchEvent } from "./dispatch-event.js";

/**
 * Where a dispatched request's events go, by plain calls from the agent's socket callback: the hot
 * routes install one and write each event straight to the client, with no promise or generator
 * between the agent's frame and the client's socket.
 */
export interface DispatchSink {
  /** One event; an `error` event is always the last one. */
  event(event: DispatchEvent): void;
  /** The request is over: after its last event, or with none when the client went away. Called once. */
  end(): void;
}
