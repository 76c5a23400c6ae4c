import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@paddler/logger";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebAdminPanelApp } from "./web-admin-panel-app.js";

const deps = {
  managementAddress: "127.0.0.1:8060",
  inferenceAddress: "127.0.0.1:8061",
  compatOpenaiAddress: null,
  maxBufferedRequests: 30,
  bufferedRequestTimeoutMs: 10_000,
  logger: createLogger({ level: "error" }),
};

describe("the web admin panel app", () => {
  let distDir: string;
  beforeAll(async () => {
    distDir = await mkdtemp(join(tmpdir(), "paddler-panel-"));
    await mkdir(join(distDir, "assets"));
    await writeFile(
      join(distDir, "index.html"),
      '<html><body><div id="paddler-dashboard"></div><script src="/assets/app.js"></script></body></html>',
    );
    await writeFile(join(distDir, "assets", "app.js"), "console.log(1)");
  });
  afterAll(() => rm(distDir, { recursive: true, force: true }));

  it("serves index.html with the addresses on the mount element for SPA routes", async () => {
    const app = createWebAdminPanelApp({ ...deps, distDir });
    for (const path of ["/", "/model", "/prompt", "/some/deep/route"]) {
      const response = await app.request(path);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/html");
      const html = await response.text();
      expect(html).toContain(
        '<div id="paddler-dashboard" data-management-addr="127.0.0.1:8060" data-inference-addr="127.0.0.1:8061" data-max-buffered-requests="30" data-buffered-request-timeout-ms="10000"></div>',
      );
    }
  });

  it("serves built files with their content type, 404 for missing ones, and refuses traversal", async () => {
    const app = createWebAdminPanelApp({ ...deps, distDir });
    const asset = await app.request("/assets/app.js");
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toContain("text/javascript");
    expect(await asset.text()).toBe("console.log(1)");
    expect((await app.request("/assets/missing.js")).status).toBe(404);
    expect((await app.request("/assets/..%2F..%2Fetc%2Fpasswd.txt")).status).toBe(404);
    // A NUL byte once made fs throw: 500 and a plain-text stack trace on stderr.
    const nul = await app.request("/assets/a%00.js");
    expect(nul.status).toBe(404);
  });

  it("answers 503 with the build command when the panel is not built", async () => {
    const app = createWebAdminPanelApp({ ...deps, distDir: join(distDir, "nope") });
    const response = await app.request("/");
    expect(response.status).toBe(503);
    expect(await response.text()).toContain("pnpm --filter @paddler/admin-panel build");
  });
});
