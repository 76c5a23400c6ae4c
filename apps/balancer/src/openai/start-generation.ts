import type { AgentRequest } from "@paddler/protocol";
import type { Dispatcher } from "../dispatch/dispatcher.js";
import type { TraceOrigin } from "../tracing/request-trace.js";
import { type GenerationEvent, generationEventMapper, toGenerationEvents } from "./generation-events.js";

export interface StartedGeneration {
  /** Every event, the first one included; ends after `done` or `error`. */
  events: AsyncGenerator<GenerationEvent>;
  /** Stops the request on the agent (the dispatcher frees the slot once the agent confirms). */
  abort(): void;
}

export interface GenerationOptions {
  dispatcher: Dispatcher;
  request: AgentRequest;
  signal: AbortSignal;
  /** Follows the request into the logs and to the agent. */
  requestId?: string | undefined;
  /** The model pool the request's `model` routed to, and its session for sticky pools. */
  pool?: string;
  sessionKey?: string | undefined;
  /** Tools were offered: an answer that starts like JSON waits to see if it is a tool call. */
  holdBareJson?: boolean;
  trace?: TraceOrigin;
}

/**
 * Dispatches a request; errors come as events. The client's signal aborts it, and so does
 * `abort()`; closing `events` early also stops it (the dispatcher cancels on return).
 */
export function dispatchGeneration(options: GenerationOptions): StartedGeneration {
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (options.signal.aborted) abort();
  else options.signal.addEventListener("abort", abort, { once: true });
  const source = toGenerationEvents(
    options.dispatcher.dispatch(options.request, controller.signal, {
      requestId: options.requestId,
      pool: options.pool,
      sessionKey: options.sessionKey,
      trace: options.trace,
    }),
    { holdBareJson: options.holdBareJson ?? false },
  );
  async function* events(): AsyncGenerator<GenerationEvent> {
    try {
      yield* source;
    } finally {
      options.signal.removeEventListener("abort", abort);
    }
  }
  return { events: events(), abort };
}

/**
 * Dispatches a request and waits for its first event, so an error that comes before any output
 * (buffer overflow, slot-wait timeout, a bad grammar) is thrown and answered with its own HTTP
 * status instead of a 200 whose stream holds only an error.
 */
export async function startGeneration(options: GenerationOptions): Promise<StartedGeneration> {
  const { events: iterator, abort } = dispatchGeneration(options);
  const first = await iterator.next();
  if (first.done) return { events: iterator, abort };
  if (first.value.type === "error") {
    abort();
    await iterator.return(undefined);
    throw first.value.error;
  }
  const firstEvent = first.value;
  async function* events(): AsyncGenerator<GenerationEvent> {
    try {
      yield firstEvent;
      yield* iterator;
    } finally {
      // A reader that stops after the first event (a Done at once) still closes the dispatch.
      await iterator.return(undefined);
    }
  }
  return { events: events(), abort };
}

/** A started generation read by a callback (see startPushGeneration). */
export interface PushGeneration {
  /**
   * Hands the events so far to `listener`, then each one as it comes, from the agent socket's
   * callback; the last one is `done` or `error`. Once.
   */
  attach(listener: (event: GenerationEvent) => void): void;
  /** Stops the request on the agent (the dispatcher frees the slot once the agent confirms). */
  abort(): void;
}

/**
 * startGeneration for the streaming routes: the same first-event wait (an error before any output
 * is thrown, for its own HTTP status), then events pushed by plain calls, with no promise or
 * generator per token between the agent's frame and the client's socket.
 */
export async function startPushGeneration(options: GenerationOptions): Promise<PushGeneration> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (options.signal.aborted) abort();
  else options.signal.addEventListener("abort", abort, { once: true });
  const mapper = generationEventMapper({ holdBareJson: options.holdBareJson ?? false });
  const buffered: GenerationEvent[] = [];
  let listener: ((event: GenerationEvent) => void) | null = null;
  let over = false;
  let firstCame: () => void = () => {};
  const first = new Promise<void>((resolve) => {
    firstCame = resolve;
  });
  const emit = (event: GenerationEvent) => {
    if (listener) listener(event);
    else buffered.push(event);
    firstCame();
  };
  const finish = () => {
    over = true;
    options.signal.removeEventListener("abort", abort);
  };
  void options.dispatcher.dispatchTo(
    options.request,
    controller.signal,
    {
      requestId: options.requestId,
      pool: options.pool,
      sessionKey: options.sessionKey,
      trace: options.trace,
    },
    {
      event(event) {
        if (!over && mapper.push(event, emit)) finish();
      },
      end() {
        if (over) return;
        finish();
        mapper.end(emit);
      },
    },
  );
  await first;
  const head = buffered[0];
  if (head?.type === "error") {
    abort();
    throw head.error;
  }
  return {
    attach(next) {
      listener = next;
      for (const event of buffered.splice(0)) next(event);
    },
    abort,
  };
}
