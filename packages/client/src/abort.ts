import { PaddlerError } from "./errors.js";

export function abortedError(signal: AbortSignal, url?: string): PaddlerError {
  return new PaddlerError({ code: "aborted", message: "The request was aborted", url, cause: signal.reason });
}

export function throwIfAborted(signal: AbortSignal | undefined, url?: string): void {
  if (signal?.aborted) throw abortedError(signal, url);
}

/** Resolves after `ms`, or early (without throwing) when the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
