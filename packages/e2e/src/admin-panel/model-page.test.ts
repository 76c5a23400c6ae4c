import type { BalancerDesiredState } from "@paddler/protocol";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../ndjson.js";
import { testDesiredState } from "../test-cluster.js";
import { simpleChatTemplate, testModelPath } from "../test-model.js";
import { launchPanelBrowser, type PanelBrowser, type WatchedPage } from "./browser.js";
import { ensurePanelBuilt } from "./ensure-panel-built.js";
import { type PanelCluster, startPanelCluster } from "./panel-cluster.js";

describe("admin panel: model page", () => {
  let cluster: PanelCluster;
  let browser: PanelBrowser;
  let watched: WatchedPage | undefined;

  const desiredState = async (): Promise<BalancerDesiredState> =>
    (await (
      await fetch(`${cluster.managementUrl}/api/v1/balancer_desired_state`)
    ).json()) as BalancerDesiredState;

  beforeAll(async () => {
    await ensurePanelBuilt();
    // No model yet: the agent joins idle, and the model page gives it one.
    cluster = await startPanelCluster({ desiredState: null, agents: [{ slots: 2, name: "model-agent" }] });
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

  it("shows a bad parameter's message next to the field and does not save", async () => {
    watched = await browser.newPage();
    const { page } = watched;
    await page.goto(`${cluster.panelUrl}/model`);
    const topP = page.getByLabel("Top P", { exact: true });
    await topP.fill("1.5");
    const field = page.locator('[data-field="top_p"]');
    await expect.poll(() => field.locator(".field-error").textContent()).toBe("Must be at most 1");
    await page.getByLabel("Context size").fill("lots");
    await expect
      .poll(() => page.locator('[data-field="context_size"] .field-error').textContent())
      .toBe("Must be a number");
    await page.getByLabel("Model file").fill("ftp://example.com/model.gguf");
    await page.getByRole("button", { name: "Save and apply" }).click();
    await expect.poll(() => page.getByTestId("save-status").textContent()).toContain("Not saved");
    await expect
      .poll(() => page.locator('[data-field="model"] .field-error').textContent())
      .toContain("unsupported scheme");
    await watched.screenshot("model-invalid");
    // Nothing reached the balancer.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await desiredState()).model).toBe("None");
    expect((await desiredState()).inference_parameters.top_p).toBe(0.8);
  });

  it("saves a model and parameters that reach the agent, and the dashboard shows it loaded", async () => {
    watched = await browser.newPage();
    const { page } = watched;
    await page.goto(cluster.panelUrl);
    await page.locator('tbody[data-agent-name="model-agent"][data-state="no-model"]').waitFor();

    await nav(page, "Model").click();
    await page.getByLabel("Model file").fill(`agent://${testModelPath}`);
    await page.getByLabel("Use my template").check();
    await page.getByLabel("Template (Jinja)").fill(simpleChatTemplate);
    await page.getByLabel("K cache type").selectOption("F16");
    await page.getByLabel("V cache type").selectOption("F16");
    await page.getByLabel("Context size").fill("2048");
    await page.getByLabel("Batch size (n_batch)").fill("512");
    await page.getByLabel("Temperature").fill("0");
    await page.getByLabel("Top K").fill("40");
    await watched.screenshot("model");
    await page.getByRole("button", { name: "Save and apply" }).click();
    await expect.poll(() => page.getByTestId("save-status").textContent()).toContain("Saved");

    const expected = testDesiredState({
      inference_parameters: { ...testDesiredState().inference_parameters, top_k: 40 },
    });
    expect(await desiredState()).toEqual(expected);
    await waitUntil(async () => {
      const [agent] = (await cluster.agentsSnapshot()).agents;
      return agent?.model_path === testModelPath && agent.slots_total === 2;
    });

    await nav(page, "Dashboard").click();
    const row = page.locator('tbody[data-agent-name="model-agent"][data-state="applied"]');
    await row.waitFor();
    await expect.poll(() => row.getByTestId("agent-slots").textContent()).toBe("0 / 2 / 2");
    await expect.poll(() => row.getByTestId("agent-model").textContent()).toBe("stories260K.gguf");
    await expect.poll(() => page.getByTestId("desired-model").textContent()).toBe(`agent://${testModelPath}`);
    await watched.screenshot("dashboard-after-model-change");

    // A second change reloads the agent; the form starts from what was saved.
    await nav(page, "Model").click();
    await expect.poll(() => page.getByLabel("Top K").inputValue()).toBe("40");
    await page.getByLabel("Context size").fill("1024");
    await page.getByRole("button", { name: "Save and apply" }).click();
    await expect.poll(() => page.getByTestId("save-status").textContent()).toContain("Saved");
    expect((await desiredState()).inference_parameters.context_size).toBe(1024);
    await page.getByTestId("save-status").getByRole("link", { name: "dashboard" }).click();
    await page.locator('tbody[data-agent-name="model-agent"][data-state="applied"]').waitFor();
    await waitUntil(async () => {
      const applicable = await (
        await fetch(`${cluster.managementUrl}/api/v1/balancer_applicable_state`)
      ).json();
      const [agent] = (await cluster.agentsSnapshot()).agents;
      return applicable?.inference_parameters?.context_size === 1024 && agent?.slots_total === 2;
    });
  });
});

const nav = (page: Page, name: string) =>
  page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true });
