import type { AgentControllerSnapshot } from "@paddler/protocol";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { testModelPath } from "../test-model.js";
import { launchPanelBrowser, type PanelBrowser, type WatchedPage } from "./browser.js";
import { ensurePanelBuilt } from "./ensure-panel-built.js";
import { type PanelCluster, startPanelCluster } from "./panel-cluster.js";

describe("admin panel: dashboard", () => {
  let cluster: PanelCluster;
  let browser: PanelBrowser;
  let watched: WatchedPage | undefined;

  beforeAll(async () => {
    await ensurePanelBuilt();
    cluster = await startPanelCluster();
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

  it("shows the services, then a joining agent and its slots", async () => {
    watched = await browser.newPage();
    const { page } = watched;
    await page.goto(cluster.panelUrl);
    await page.getByText("No agent has joined yet").waitFor();
    const management = cluster.balancer.addresses.management ?? "";
    await expect(page.getByText(management, { exact: true }).count()).resolves.toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId("buffered-requests").textContent()).toMatch(/^0\s+of 30$/);
    await page.getByText("How to add an agent?").click();
    await expect
      .poll(() => page.getByTestId("add-agent-command").textContent())
      .toBe(`pnpm paddler agent --management-addr ${management} --slots 4`);
    await watched.screenshot("dashboard-empty");

    await cluster.addAgent({ slots: 2, name: "joining-agent" });
    const row = page.locator('tbody[data-agent-name="joining-agent"]');
    await row.waitFor();
    await page.locator('tbody[data-agent-name="joining-agent"][data-state="applied"]').waitFor();
    await expect.poll(() => row.getByTestId("agent-slots").textContent()).toBe("0 / 2 / 2");
    await expect.poll(() => row.getByTestId("agent-model").textContent()).toBe("stories260K.gguf");

    await row.getByRole("button", { name: "Details for joining-agent" }).click();
    const metadata = row.getByTestId("model-metadata");
    await metadata.waitFor();
    await expect.poll(() => metadata.textContent()).toContain("general.architecture");
    await expect
      .poll(() => row.getByTestId("chat-template-override").textContent())
      .toContain("add_generation_prompt");
    await expect(row.getByText(testModelPath).count()).resolves.toBeGreaterThan(0);
    // The sparklines have had a few samples by now.
    await page.waitForTimeout(2500);
    await watched.screenshot("dashboard");

    await page.setViewportSize({ width: 390, height: 844 });
    await watched.screenshot("dashboard-narrow");
  });

  // The navigation is Dashboard, Pools, Model, Prompt (the pools work put Pools second); the test
  // once pressed Tab twice after Dashboard and landed on Pools, so it walks the links by name now.
  it("is usable with the keyboard", async () => {
    watched = await browser.newPage();
    const { page } = watched;
    await page.goto(cluster.panelUrl);
    await page.locator("tbody.agent").first().waitFor();
    const focused = () => page.evaluate(() => document.activeElement?.textContent);
    await page.keyboard.press("Tab");
    await expect(focused()).resolves.toBe("Skip to content");
    for (const label of ["Dashboard", "Pools", "Model"]) {
      await page.keyboard.press("Tab");
      await expect(focused()).resolves.toBe(label);
    }
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Model and parameters" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/model");
    await expect(page.title()).resolves.toMatch(/^Model/);
  });

  it("keeps fifty agents readable", async () => {
    watched = await browser.newPage();
    const { page } = watched;
    const agents = Array.from({ length: 50 }, (_, index) => fakeAgent(index));
    // Fifty real agents would not fit this machine: the stream is replaced, the page is the real one.
    await page.route("**/api/v1/agents/stream", (route) =>
      route.fulfill({
        status: 200,
        headers: {
          "Content-Type": "text/event-stream",
          "Access-Control-Allow-Origin": new URL(cluster.panelUrl).origin,
          retry: "60000",
        },
        body: `retry: 60000\ndata: ${JSON.stringify({ agents })}\n\n`,
      }),
    );
    await page.goto(cluster.panelUrl);
    await page.locator("tbody.agent").nth(49).waitFor();
    await expect(page.locator("tbody.agent").count()).resolves.toBe(50);
    await expect.poll(() => page.getByTestId("fleet-summary").textContent()).toContain("need attention");
    await watched.screenshot("dashboard-fifty-agents");
    await page.getByLabel("Filter agents").fill("stuck");
    await expect.poll(() => page.locator("tbody.agent").count()).toBeLessThan(50);
    await page.getByLabel("Filter agents").fill("");
  });
});

function fakeAgent(index: number): AgentControllerSnapshot {
  const kind = index % 10;
  const slotsTotal = kind === 3 ? 1 : kind === 7 || kind === 8 ? 0 : 4;
  return {
    id: `agent-id-${index}`,
    name: `gpu-node-${String(index).padStart(2, "0")}`,
    desired_slots_total: 4,
    slots_processing: Math.min(slotsTotal, index % 5),
    slots_total: slotsTotal,
    model_path: kind === 7 ? null : "/models/Qwen3-0.6B-Q8_0.gguf",
    download_current: kind === 7 ? 300 * 1024 * 1024 : 0,
    download_total: kind === 7 ? 640 * 1024 * 1024 : 0,
    download_filename: kind === 7 ? "Qwen3-0.6B-Q8_0.gguf" : null,
    download_indeterminate: false,
    issues: kind === 8 ? [{ ModelCannotBeLoaded: { model_path: "/models/Qwen3-0.6B-Q8_0.gguf" } }] : [],
    uses_chat_template_override: false,
    state_application_status: kind === 8 ? "Stuck" : "Applied",
  };
}
