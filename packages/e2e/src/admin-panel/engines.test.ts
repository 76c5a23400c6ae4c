import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEngineAgent } from "../engines/engine-agent.js";
import { type RecordingUpstream, startRecordingUpstream } from "../engines/recording-upstream.js";
import { launchPanelBrowser, type PanelBrowser, type WatchedPage } from "./browser.js";
import { ensurePanelBuilt } from "./ensure-panel-built.js";
import { type PanelCluster, startPanelCluster } from "./panel-cluster.js";

// Issue 14: the panel shows which engine each agent runs and its upstream. One built-in agent on
// the real model beside one in front of an OpenAI-compatible server of our own.
describe("admin panel: engines", () => {
  let cluster: PanelCluster;
  let browser: PanelBrowser;
  let upstream: RecordingUpstream;
  let watched: WatchedPage | undefined;

  beforeAll(async () => {
    await ensurePanelBuilt();
    // It serves the cluster's model by name, so the only thing to report is the template.
    upstream = await startRecordingUpstream("stories260K");
    cluster = await startPanelCluster({ agents: [{ slots: 1, name: "built-in-agent" }] });
    await startEngineAgent(
      cluster,
      { kind: "OpenAIUpstream", url: `${upstream.rootUrl}/v1`, apiKey: null },
      { slots: 3, name: "upstream-agent" },
    );
    await cluster.waitForSlots(4);
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
    await upstream?.close();
  });

  it("shows each agent's engine and upstream, and why the override does not reach the upstream", async () => {
    watched = await browser.newPage();
    const { page } = watched;
    await page.goto(cluster.panelUrl);
    const upstreamRow = page.locator('tbody[data-agent-name="upstream-agent"]');
    const builtInRow = page.locator('tbody[data-agent-name="built-in-agent"]');
    await upstreamRow.waitFor();
    await builtInRow.waitFor();
    const address = upstream.rootUrl.replace("http://", "");
    await expect
      .poll(() => upstreamRow.getByTestId("agent-engine").textContent())
      .toBe(`OpenAI upstream · ${address}`);
    await expect.poll(() => upstreamRow.getByTestId("agent-slots").textContent()).toBe("0 / 3 / 3");
    // The built-in engine sends no engine field: no tag in its row.
    await expect(builtInRow.getByTestId("agent-engine").count()).resolves.toBe(0);

    await upstreamRow.getByRole("button", { name: "Details for upstream-agent" }).click();
    await expect
      .poll(() => upstreamRow.getByTestId("agent-engine-details").textContent())
      .toBe(`OpenAI upstream at ${upstream.rootUrl}`);
    // The cluster's desired state has a chat template override the upstream cannot take.
    await expect
      .poll(() => upstreamRow.getByTestId("agent-warnings").textContent())
      .toContain("chat template override is not applied");
    await builtInRow.getByRole("button", { name: "Details for built-in-agent" }).click();
    await expect
      .poll(() => builtInRow.getByTestId("agent-engine-details").textContent())
      .toBe("built-in llama.cpp");
    await watched.screenshot("dashboard-engines");
  });
});
