import { totalmem } from "node:os";
import type { AgentControllerSnapshot } from "@paddler/protocol";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchPanelBrowser, type PanelBrowser, type WatchedPage } from "./browser.js";
import { ensurePanelBuilt } from "./ensure-panel-built.js";
import { type PanelCluster, startPanelCluster } from "./panel-cluster.js";

const GIB = 1024 ** 3;

describe("admin panel: device load", () => {
  let cluster: PanelCluster;
  let browser: PanelBrowser;
  let watched: WatchedPage | undefined;

  beforeAll(async () => {
    await ensurePanelBuilt();
    cluster = await startPanelCluster();
    await cluster.addAgent({ slots: 2, name: "cpu-agent", deviceLoad: { intervalMs: 500 } });
    await cluster.waitForSlots(2, 150_000);
    browser = await launchPanelBrowser();
  }, 240_000);
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

  it("shows a real CPU agent's backend, memory and utilisation in its row and details", async () => {
    watched = await browser.newPage();
    const { page } = watched;
    await page.goto(cluster.panelUrl);
    const row = page.locator('tbody[data-agent-name="cpu-agent"]');
    const summary = row.getByTestId("agent-device");
    await expect.poll(() => summary.textContent()).toMatch(/^CPU · [\d.]+ \w+ of [\d.]+ GiB/);
    // The machine's RAM, in the panel's units (three digits at most).
    const shownTotal = Number((await summary.textContent())?.match(/of ([\d.]+) GiB/)?.[1]);
    expect(Math.abs(shownTotal - totalmem() / GIB)).toBeLessThan(0.5);
    // Utilisation arrives with the second reading.
    await expect.poll(() => summary.textContent()).toMatch(/% busy$/);
    await row.getByRole("button", { name: "Details for cpu-agent" }).click();
    await expect.poll(() => row.getByTestId("agent-device-backend").textContent()).toBe("CPU");
    const list = row.getByTestId("agent-device-list");
    await expect.poll(() => list.locator("li").count()).toBe(1);
    const reported = (await cluster.agentsSnapshot()).agents[0]?.device?.devices[0]?.name ?? "";
    await expect.poll(() => list.textContent()).toContain(reported);
    await watched.screenshot("dashboard-device-cpu");
  });

  it("shows each GPU of a CUDA agent, with utilisation where reported", async () => {
    watched = await browser.newPage();
    const { page } = watched;
    const gpuAgent: AgentControllerSnapshot = {
      id: "gpu-agent-id",
      name: "gpu-node-01",
      desired_slots_total: 4,
      slots_processing: 1,
      slots_total: 4,
      // No model path: the details would ask the balancer for this made-up agent's metadata.
      model_path: null,
      download_current: 0,
      download_total: 0,
      download_filename: null,
      download_indeterminate: false,
      issues: [],
      uses_chat_template_override: false,
      state_application_status: "Applied",
      device: {
        backend: "CUDA",
        devices: [
          {
            name: "NVIDIA H200",
            memory_used_bytes: 40 * GIB,
            memory_total_bytes: 140 * GIB,
            utilization_percent: 63,
          },
          {
            name: "NVIDIA H200",
            memory_used_bytes: 2 * GIB,
            memory_total_bytes: 140 * GIB,
            utilization_percent: null,
          },
          {
            name: "AMD EPYC 9654 (192 cores)",
            memory_used_bytes: 50 * GIB,
            memory_total_bytes: 1024 * GIB,
            utilization_percent: 4.5,
          },
        ],
      },
    };
    // No GPU on this machine: the agents stream is replaced (and the made-up agent's timeline), the
    // page is the real one.
    await page.route("**/api/v1/agent_timeline?**", (route) =>
      route.fulfill({
        status: 200,
        headers: { "Access-Control-Allow-Origin": new URL(cluster.panelUrl).origin },
        contentType: "application/json",
        body: JSON.stringify({ events: [] }),
      }),
    );
    await page.route("**/api/v1/agents/stream", (route) =>
      route.fulfill({
        status: 200,
        headers: {
          "Content-Type": "text/event-stream",
          "Access-Control-Allow-Origin": new URL(cluster.panelUrl).origin,
        },
        body: `retry: 60000\ndata: ${JSON.stringify({ agents: [gpuAgent] })}\n\n`,
      }),
    );
    await page.goto(cluster.panelUrl);
    const row = page.locator('tbody[data-agent-name="gpu-node-01"]');
    await expect
      .poll(() => row.getByTestId("agent-device").textContent())
      .toBe("CUDA · 40 GiB of 140 GiB · 63% busy · +2 more");
    await row.getByRole("button", { name: "Details for gpu-node-01" }).click();
    const items = row.getByTestId("agent-device-list").locator("li");
    await expect.poll(() => items.count()).toBe(3);
    await expect(items.nth(0).textContent()).resolves.toContain("memory 40 GiB of 140 GiB, 63% busy");
    await expect(items.nth(1).textContent()).resolves.toContain("utilisation not reported");
    await expect(items.nth(2).textContent()).resolves.toContain("AMD EPYC 9654 (192 cores)");
    await watched.screenshot("dashboard-device-gpu");
  });
});
