import { createServer } from "node:net";
import { type RunningBalancer, startBalancer } from "@paddler/balancer";
import { createLogger } from "@paddler/logger";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { testDesiredState } from "../test-cluster.js";
import { launchPanelBrowser, type PanelBrowser, type WatchedPage } from "./browser.js";
import { ensurePanelBuilt } from "./ensure-panel-built.js";
import { type PanelCluster, startPanelCluster } from "./panel-cluster.js";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

describe("admin panel: the truth about the fleet", { timeout: 180_000 }, () => {
  let cluster: PanelCluster;
  let browser: PanelBrowser;
  let watched: WatchedPage | undefined;

  beforeAll(async () => {
    await ensurePanelBuilt();
    // Paddler's default KV cache (Q8_0), which stories260K cannot use: the agent falls back and warns.
    const desired = testDesiredState();
    cluster = await startPanelCluster({
      agents: [{ slots: 2, name: "truthful-agent" }],
      desiredState: {
        ...desired,
        inference_parameters: {
          ...desired.inference_parameters,
          k_cache_dtype: "Q8_0",
          v_cache_dtype: "Q8_0",
        },
      },
    });
    browser = await launchPanelBrowser();
  }, 180_000);
  afterEach(async () => {
    await watched?.page.close();
    watched = undefined;
  });
  afterAll(async () => {
    await browser?.close();
    await cluster?.close();
  });

  it("draws the balancer's own metrics history and recent requests, shows the agent's warning, drains it and lets it back", async () => {
    // Two requests before the page opens: the history is there from the moment it opens.
    for (let index = 0; index < 2; index++) {
      const response = await fetch(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Request-Id": `truth-${index}` },
        body: JSON.stringify({ raw_prompt: "Once upon a time", max_tokens: 20 }),
      });
      expect(await response.text()).toContain("Done");
    }
    const listed = await (await fetch(`${cluster.managementUrl}/api/v1/recent_requests`)).json();
    expect(JSON.stringify(listed)).toContain("truth-1");
    watched = await browser.newPage();
    const { page } = watched;
    await page.goto(cluster.panelUrl);
    await expect.poll(() => page.title()).toBe("Dashboard · Paddler");
    const activity = page.getByTestId("recent-requests");
    await expect.poll(() => activity.textContent(), { timeout: 30_000 }).toContain("truth-1");
    await expect.poll(() => activity.textContent()).toContain("completed");
    // Throughput comes from the balancer's buckets (5 s): the chart shows generated tokens/s > 0.
    const throughput = page.getByTestId("chart-Throughput");
    await expect(throughput.textContent()).resolves.toContain("tokens/s");
    await expect
      .poll(async () => throughput.locator("path.line-a").getAttribute("d"), { timeout: 30_000 })
      .toMatch(/^M/);
    // stories260K refuses the default Q8_0 KV cache: one warning, shown on the agent.
    const row = page.locator('tbody[data-agent-name="truthful-agent"]');
    await expect.poll(() => row.getByTestId("agent-warning-count").textContent()).toContain("1 warning");
    await row.getByRole("button", { name: "Details for truthful-agent" }).click();
    await expect
      .poll(() => row.getByTestId("agent-warnings").textContent())
      .toContain("KV cache type Q8_0/Q8_0");
    await expect.poll(() => row.getByTestId("agent-uptime").textContent()).toContain("Connected for");
    await expect.poll(() => row.getByTestId("agent-timeline").textContent()).toContain("joined");
    await watched.screenshot("dashboard-history");

    await row.getByRole("button", { name: "Drain truthful-agent" }).click();
    await row.getByTestId("agent-drained").waitFor();
    await expect
      .poll(() => row.getByTestId("agent-timeline").textContent(), { timeout: 15_000 })
      .toContain("drained");
    await watched.screenshot("dashboard-agent-drained");
    await row.getByRole("button", { name: "Let back truthful-agent" }).click();
    await row.getByTestId("agent-drained").waitFor({ state: "detached" });
  });

  it("saves a relative agent:// path set through the API back from the model page", async () => {
    const state = await (await fetch(`${cluster.managementUrl}/api/v1/balancer_desired_state`)).json();
    const relative = { ...state, model: { LocalToAgent: "models/stories260K.gguf" } };
    const put = await fetch(`${cluster.managementUrl}/api/v1/balancer_desired_state`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(relative),
    });
    expect(put.status).toBe(204);
    watched = await browser.newPage();
    const { page } = watched;
    await page.goto(`${cluster.panelUrl}/model`);
    await expect.poll(() => page.title()).toBe("Model · Paddler");
    await page.getByRole("button", { name: /save/i }).first().click();
    await expect.poll(() => page.getByText(/needs an absolute path/).count()).toBe(0);
    await expect
      .poll(
        async () =>
          (await (await fetch(`${cluster.managementUrl}/api/v1/balancer_desired_state`)).json()).model,
      )
      .toEqual({ LocalToAgent: "models/stories260K.gguf" });
    await watched.screenshot("model-page-relative-path");
    // Put the absolute path back for the other tests.
    await fetch(`${cluster.managementUrl}/api/v1/balancer_desired_state`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(state),
    });
  });

  it("says at once when the management stream drops, marks the data stale with its age, and says when it is back", async () => {
    const managementPort = await freePort();
    const panelPort = await freePort();
    const logger = createLogger({ level: "error" });
    const settings = {
      inferenceAddr: null,
      managementAddr: { host: "127.0.0.1", port: managementPort },
      webAdminPanelAddr: { host: "127.0.0.1", port: panelPort },
      compatOpenaiAddr: null,
      stateDatabase: "memory://",
      maxBufferedRequests: 30,
      bufferedRequestTimeoutMs: 20_000,
      inferenceItemTimeoutMs: 30_000,
      inferenceCorsAllowedHosts: [],
      managementCorsAllowedHosts: [],
      statsdPrefix: "paddler_",
    };
    let balancer: RunningBalancer | null = await startBalancer({ logger, config: settings });
    try {
      watched = await browser.newPage();
      const { page } = watched;
      await page.goto(`http://127.0.0.1:${panelPort}`);
      await page.getByText("No agent has joined yet").waitFor();
      await balancer.close({ gracePeriodMs: 0 });
      balancer = null;
      const banner = page.getByTestId("stream-banner");
      await expect
        .poll(() => banner.textContent(), { timeout: 15_000 })
        .toContain("Lost the connection to the balancer");
      await expect.poll(() => banner.textContent()).toMatch(/last live data \d+ s ago/);
      await expect(page.locator("[data-stale=true]").count()).resolves.toBe(1);
      await watched.screenshot("dashboard-stream-dropped");
      balancer = await startBalancer({ logger, config: settings });
      await expect
        .poll(() => banner.textContent(), { timeout: 30_000 })
        .toContain("Connection to the balancer is back");
      await expect(page.locator("[data-stale=true]").count()).resolves.toBe(0);
      await watched.screenshot("dashboard-stream-back");
    } finally {
      await balancer?.close({ gracePeriodMs: 0 });
    }
  });
});
