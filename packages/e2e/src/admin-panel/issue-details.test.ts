import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { testDesiredState } from "../test-cluster.js";
import { launchPanelBrowser, type PanelBrowser, type WatchedPage } from "./browser.js";
import { ensurePanelBuilt } from "./ensure-panel-built.js";
import { type PanelCluster, startPanelCluster } from "./panel-cluster.js";

const missingDefault = "/nonexistent/paddler-e2e/default-missing.gguf";
const missingOther = "/nonexistent/paddler-e2e/other-missing.gguf";

describe("admin panel: issue details", { timeout: 120_000 }, () => {
  let cluster: PanelCluster;
  let browser: PanelBrowser;
  let watched: WatchedPage | undefined;

  beforeAll(async () => {
    await ensurePanelBuilt();
    // Model files that do not exist, in the default pool and in another: each agent reports an issue.
    cluster = await startPanelCluster({
      desiredState: testDesiredState({ model: { LocalToAgent: missingDefault } }),
    });
    const created = await fetch(`${cluster.managementUrl}/api/v1/pools/other/desired_state`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(testDesiredState({ model: { LocalToAgent: missingOther } })),
    });
    expect(created.status).toBe(201);
    await cluster.addAgent({ slots: 1, name: "default-agent" });
    await cluster.addAgent({ slots: 1, name: "other-agent", pool: "other" });
    browser = await launchPanelBrowser();
  }, 180_000);
  afterEach(async () => {
    const errors = watched?.errors ?? [];
    await watched?.page.close();
    watched = undefined;
    expect(errors).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await cluster?.close();
  });

  it("explains a missing model file, what the balancer does meanwhile, and links to the agent's pool's model page", async () => {
    watched = await browser.newPage();
    const { page } = watched;
    await page.goto(cluster.panelUrl);
    for (const [name, path] of [
      ["default-agent", missingDefault],
      ["other-agent", missingOther],
    ] as const) {
      const row = page.locator(`tbody[data-agent-name="${name}"]`);
      await expect
        .poll(() => row.getByTestId("agent-issue-count").textContent(), { timeout: 30_000 })
        .toBe("1 issue");
      await row.getByRole("button", { name: `Details for ${name}` }).click();
      const issue = row.getByTestId("agent-issue-list").locator("li");
      await expect(issue.locator("strong").textContent()).resolves.toBe("ModelFileDoesNotExist");
      await expect(issue.textContent()).resolves.toContain("No such file on the agent.");
      await expect(issue.locator(".issue-effect").textContent()).resolves.toMatch(
        /^Meanwhile: The agent tries again every second and serves no requests meanwhile/,
      );
      await expect(issue.locator(".issue-action").textContent()).resolves.toContain(
        "correct the path on the model page",
      );
      await expect(issue.locator(".issue-details").textContent()).resolves.toContain(path);
    }
    const link = (name: string) =>
      page.locator(`tbody[data-agent-name="${name}"]`).getByRole("link", { name: "Open the model page" });
    await expect(link("default-agent").getAttribute("href")).resolves.toBe("/model");
    await expect(link("other-agent").getAttribute("href")).resolves.toBe("/model?pool=other");
    await watched.screenshot("dashboard-issue-details");

    // The link works: the other pool's model page, with the path to correct.
    await link("other-agent").click();
    await expect.poll(() => page.title()).toBe("Model · Paddler");
    await expect.poll(() => new URL(page.url()).search).toBe("?pool=other");
    await expect(page.locator("h1").textContent()).resolves.toContain("pool other");
    await expect.poll(() => page.getByLabel("Model file").inputValue()).toBe(`agent://${missingOther}`);
    await watched.screenshot("model-page-from-issue");

    await page.goBack();
    // Back on the dashboard, whose details start closed again.
    await page
      .locator('tbody[data-agent-name="default-agent"]')
      .getByRole("button", { name: "Details for default-agent" })
      .click();
    await link("default-agent").click();
    await expect.poll(() => new URL(page.url()).pathname).toBe("/model");
    await expect.poll(() => page.getByLabel("Model file").inputValue()).toBe(`agent://${missingDefault}`);
  });
});
