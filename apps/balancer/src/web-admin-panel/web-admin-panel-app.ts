import type { Logger } from "@paddler/logger";
import { Hono } from "hono";

export interface WebAdminPanelAppDeps {
  /** Addresses the browser uses to reach the other services, as Paddler hands them to the page. */
  managementAddress: string;
  inferenceAddress: string | null;
  compatOpenaiAddress: string | null;
  maxBufferedRequests: number;
  bufferedRequestTimeoutMs: number;
  logger: Logger;
}

/** Serves the built admin panel (`--web-admin-panel-addr`). */
export function createWebAdminPanelApp(_deps: WebAdminPanelAppDeps) {
  return new Hono().get("/health", (c) => c.text("OK"));
}
