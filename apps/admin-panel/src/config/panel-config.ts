import { z } from "zod";

const optionalAddr = z
  .string()
  .optional()
  .transform((value) => (value ? value : null));
const count = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined || value === "" ? fallback : Number(value)))
    .pipe(z.number().int().nonnegative());

/**
 * What the balancer hands the page on `<div id="paddler-dashboard" data-*>` (as Paddler does).
 * Outside the balancer (vite dev) the attributes are absent and Paddler's defaults apply.
 */
export const panelConfigSchema = z.object({
  managementAddr: z
    .string()
    .optional()
    .transform((value) => value || "127.0.0.1:8060"),
  inferenceAddr: optionalAddr,
  compatOpenaiAddr: optionalAddr,
  maxBufferedRequests: count(30),
  bufferedRequestTimeoutMs: count(10_000),
});
export type PanelConfig = z.infer<typeof panelConfigSchema>;

/** Reads the config from the mount element's dataset; throws a readable message when it is malformed. */
export function readPanelConfig(dataset: DOMStringMap): PanelConfig {
  const parsed = panelConfigSchema.safeParse({ ...dataset });
  if (!parsed.success) {
    throw new Error(`The page's data-* configuration is malformed: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** `host:port` to a URL the browser can call; a wildcard bind address means "this host". */
export function serviceUrl(addr: string, scheme: "http" | "ws" = "http"): string {
  const wildcard = /^(0\.0\.0\.0|\[::\])(:\d+)$/.exec(addr);
  const host = wildcard ? `${window.location.hostname}${wildcard[2]}` : addr;
  return `${scheme}://${host}`;
}
