import { readFile } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";
import type { Logger } from "@paddler/logger";
import { Hono } from "hono";
import { buildCommand, defaultAdminPanelDistDir } from "./admin-panel-dist.js";
import { injectPanelConfig } from "./panel-html.js";

export interface WebAdminPanelAppDeps {
  /** Addresses the browser uses to reach the other services, as Paddler hands them to the page. */
  managementAddress: string;
  inferenceAddress: string | null;
  compatOpenaiAddress: string | null;
  maxBufferedRequests: number;
  bufferedRequestTimeoutMs: number;
  logger: Logger;
  /** The panel's build output; apps/admin-panel/dist by default. */
  distDir?: string;
}

const contentTypes: Record<string, string> = {
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".ico": "image/x-icon",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".mjs": "text/javascript; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if (error instanceof Error && "code" in error && (error.code === "ENOENT" || error.code === "EISDIR"))
      return null;
    throw error;
  }
}

/**
 * Serves the built admin panel (`--web-admin-panel-addr`): files of the Vite build by path, and
 * index.html with the service addresses on its mount element for every other path (SPA routes).
 */
export function createWebAdminPanelApp(deps: WebAdminPanelAppDeps) {
  const distDir = resolve(deps.distDir ?? defaultAdminPanelDistDir);
  const pageConfig = {
    managementAddress: deps.managementAddress,
    inferenceAddress: deps.inferenceAddress,
    compatOpenaiAddress: deps.compatOpenaiAddress,
    maxBufferedRequests: deps.maxBufferedRequests,
    bufferedRequestTimeoutMs: deps.bufferedRequestTimeoutMs,
  };
  let warnedMissingBuild = false;

  return new Hono()
    .get("/health", (c) => c.text("OK"))
    .get("/favicon.ico", (c) => c.body(null, 204))
    .get("*", async (c) => {
      let path: string;
      try {
        path = decodeURIComponent(c.req.path);
      } catch {
        return c.text("Malformed path", 400);
      }
      // A NUL byte is no file name (node's fs would throw on it); other control bytes neither.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
      if (/[\u0000-\u001f]/.test(path)) return c.text("Not found", 404);
      if (extname(path) !== "" && path !== "/index.html") {
        const file = resolve(distDir, `.${path}`);
        if (!file.startsWith(distDir + sep)) return c.text("Not found", 404);
        const body = await readIfExists(file);
        if (body === null) return c.text("Not found", 404);
        const immutable = path.startsWith("/assets/");
        return c.body(new Uint8Array(body), 200, {
          "Content-Type": contentTypes[extname(file)] ?? "application/octet-stream",
          "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
        });
      }
      const index = await readIfExists(resolve(distDir, "index.html"));
      if (index === null) {
        if (!warnedMissingBuild) {
          warnedMissingBuild = true;
          deps.logger.warn("the admin panel is not built", { distDir, buildCommand });
        }
        return c.text(
          `The Paddler admin panel is not built (no ${distDir}/index.html). Run \`${buildCommand}\` and reload.\n`,
          503,
        );
      }
      return c.html(injectPanelConfig(index.toString("utf8"), pageConfig), 200, {
        "Cache-Control": "no-cache",
      });
    })
    .onError((error, c) => {
      // Without this Hono prints a plain-text stack trace; every log line is JSON.
      deps.logger.error("unhandled error", { error, path: c.req.path });
      return c.text("Internal server error", 500);
    });
}
