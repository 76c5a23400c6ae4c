import { partialMatchAtEnd } from "./partial-match-at-end.js";

export interface StopDetectorResult {
  /** Text that is safe to emit now. */
  text: string;
  /** A stop string was found; `text` ends right before it and generation must end. */
  stopped: boolean;
  /** The stop string that was found. */
  matched?: string;
}

/**
 * Watches streamed text for stop strings. Text that could still be the start of a stop string is
 * held back until the next chunk decides it, so a stop string is never emitted, even in part.
 */
export function createTextStopDetector(stopStrings: readonly string[]) {
  let pending = "";

  return {
    push(chunk: string): StopDetectorResult {
      pending += chunk;
      if (stopStrings.length === 0) return flush();
      let stopAt = -1;
      let matched = "";
      for (const stop of stopStrings) {
        const index = pending.indexOf(stop);
        if (index !== -1 && (stopAt === -1 || index < stopAt)) {
          stopAt = index;
          matched = stop;
        }
      }
      if (stopAt !== -1) {
        const text = pending.slice(0, stopAt);
        pending = "";
        return { text, stopped: true, matched };
      }
      const keep = partialMatchAtEnd(pending, stopStrings);
      const text = pending.slice(0, pending.length - keep);
      pending = pending.slice(pending.length - keep);
      return { text, stopped: false };
    },
    /** Releases the held-back text at the end of generation. */
    flush,
  };

  function flush(): StopDetectorResult {
    const text = pending;
    pending = "";
    return { text, stopped: false };
  }
}
