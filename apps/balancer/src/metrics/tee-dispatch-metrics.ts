import type { DispatchMetrics } from "./dispatch-metrics.js";

/** One DispatchMetrics that reports to several (Prometheus and the history), so the dispatcher stays unaware. */
export function teeDispatchMetrics(...targets: DispatchMetrics[]): DispatchMetrics {
  return {
    bufferWait: (...args) => {
      for (const target of targets) target.bufferWait(...args);
    },
    firstToken: (...args) => {
      for (const target of targets) target.firstToken(...args);
    },
    betweenTokens: (...args) => {
      for (const target of targets) target.betweenTokens(...args);
    },
    tokens: (...args) => {
      for (const target of targets) target.tokens(...args);
    },
    finished: (...args) => {
      for (const target of targets) target.finished(...args);
    },
  };
}
