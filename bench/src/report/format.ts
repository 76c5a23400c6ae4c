// Number formats shared by the report's sections ("n/a" for a figure a run did not produce).
export const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)} ms` : "n/a");
export const signedMs = (value: number) =>
  Number.isFinite(value) ? `${value >= 0 ? "+" : ""}${value.toFixed(2)} ms` : "n/a";
export const us = (value: number | undefined) =>
  value !== undefined && Number.isFinite(value) ? `${value.toFixed(0)} µs` : "n/a";
export const us1 = (value: number | undefined) =>
  value !== undefined && Number.isFinite(value) ? `${value.toFixed(1)} µs` : "n/a";
export const pct = (value: number) => (Number.isFinite(value) ? `${(value * 100).toFixed(0)}%` : "n/a");
export const kb = (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} KB` : "n/a");
