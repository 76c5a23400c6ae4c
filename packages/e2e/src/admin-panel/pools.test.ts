import type { BalancerDesiredState, FleetSettings, ModelPoolsResponse } from "@paddler/protocol";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../ndjson.js";
import { testDesiredState } from "../test-cluster.js";
import { testModelPath } from "../test-model.js";
import { launchPanelBrowser, type PanelBrowser, type WatchedPage } from "./browser.js";
import { ensurePanelBuilt } from "./ensure-panel-built.js";
import { type PanelCluster, startPanelCluster } from "./panel-cluster.js";

const nav = (page: Page, name: string) =>
  page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true });

describe("admin panel: pools", () => {
  let cluster: PanelCluster;
  let browser: PanelBrowser;
  let watched: WatchedPage | undefined;

  const pools = async (): Promise<ModelPoolsResponse> =>
    (await (await fetch(`${cluster.managementUrl}/api/v1/pools`)).json()) as ModelPoolsResponse;

  beforeAll(async () => {
    await ensurePanelBuilt();
    cluster = await startPanelCluster({ agents: [{ slots: 1, name: "chat-agent" }] });
    const embeddings = testDesiredState({
      inference_parameters: { ...testDesiredState().inference_parameters, enable_embeddings: true },
    });
    const created = await fetch(`${cluster.managementUrl}/api/v1/pools/embed/desired_state`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(embeddings),
    });
    expect(created.status).toBe(201);
    await cluster.addAgent({ slots: 1, name: "embed-agent", pool: "embed" });
    await waitUntil(async () => (await pools()).pools.every((pool) => pool.slots_total === 1), 120_000);
    browser = await launchPanelBrowser();
  }, 240_000);
  afterEach(async () => {
    const errors = watched?.errors ?? [];
    await watched?.page.close();
    watched = undefined;
    // A refused delete (409) or routing change (400) is shown by the page; the browser logs the
    // failed fetch too.
    expect(errors.filter((error) => !/\b(409|400)\b/.test(error))).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await cluster?.close();
  });

  it("groups the dashboard's agents by pool", async () => {
    watched = await browser.newPage();
    const { page } = watched;
    await page.goto(cluster.panelUrl);
    const embedGroup = page.locator('.pool-group[data-pool="embed"]');
    await embedGroup.getByRole("heading", { name: /Agents in embed/ }).waitFor();
    await embedGroup.locator('tbody[data-agent-name="embed-agent"]').waitFor();
    await page.locator('.pool-group[data-pool="default"] tbody[data-agent-name="chat-agent"]').waitFor();
    expect(await embedGroup.locator('tbody[data-agent-name="chat-agent"]').count()).toBe(0);
    await watched.screenshot("pools-dashboard");
  });

  it("creates a pool from a copy, edits its model page through the pool selector, and deletes it after confirming", async () => {
    watched = await browser.newPage();
    const { page } = watched;
    await page.goto(cluster.panelUrl);
    await nav(page, "Pools").click();
    await page.locator('tr[data-pool="embed"]').waitFor();

    // A bad name is refused in the form, naming the rule.
    await page.getByLabel("Pool name").fill("Bad Name");
    await page.getByRole("button", { name: "Create pool" }).click();
    await expect.poll(() => page.locator(".create-pool .field-error").textContent()).toContain("lowercase");

    await page.getByLabel("Pool name").fill("stories");
    await page.getByLabel("Start from").selectOption("default");
    await page.getByRole("button", { name: "Create pool" }).click();
    await expect.poll(() => page.getByTestId("create-status").textContent()).toContain("Created");
    await page.locator('tr[data-pool="stories"]').waitFor();
    const stored = (await (
      await fetch(`${cluster.managementUrl}/api/v1/pools/stories/desired_state`)
    ).json()) as BalancerDesiredState;
    expect(stored.model).toEqual({ LocalToAgent: testModelPath });
    await watched.screenshot("pools-created");

    // The selector takes the model page to the new pool; saving there changes only that pool.
    await page.getByLabel("Pool", { exact: true }).selectOption("stories");
    await nav(page, "Model").click();
    await page.getByRole("heading", { name: /pool stories/ }).waitFor();
    await expect.poll(() => page.getByLabel("Model file").inputValue()).toBe(`agent://${testModelPath}`);
    await page.getByLabel("Temperature").fill("0.5");
    await page.getByRole("button", { name: "Save and apply" }).click();
    await expect.poll(() => page.getByTestId("save-status").textContent()).toContain("Saved");
    const saved = (await (
      await fetch(`${cluster.managementUrl}/api/v1/pools/stories/desired_state`)
    ).json()) as BalancerDesiredState;
    expect(saved.inference_parameters.temperature).toBe(0.5);
    const defaultState = (await (
      await fetch(`${cluster.managementUrl}/api/v1/balancer_desired_state`)
    ).json()) as BalancerDesiredState;
    expect(defaultState.inference_parameters.temperature).toBe(0);

    // A pool with an agent is not deleted: the balancer's reason shows.
    await nav(page, "Pools").click();
    const embedRow = page.locator('tr[data-pool="embed"]');
    await embedRow.getByRole("button", { name: "Delete" }).click();
    await embedRow.getByRole("button", { name: "Yes, delete embed" }).click();
    await expect.poll(() => embedRow.getByRole("alert").textContent()).toContain("embed-agent");

    // Deleting asks first; Cancel keeps the pool, confirming removes it.
    const storiesRow = page.locator('tr[data-pool="stories"]');
    await storiesRow.getByRole("button", { name: "Delete" }).click();
    await storiesRow.getByRole("button", { name: "Cancel" }).click();
    expect((await pools()).pools.map((pool) => pool.name)).toContain("stories");
    await storiesRow.getByRole("button", { name: "Delete" }).click();
    await watched.screenshot("pools-confirm-delete");
    await storiesRow.getByRole("button", { name: "Yes, delete stories" }).click();
    await storiesRow.waitFor({ state: "detached" });
    expect((await pools()).pools.map((pool) => pool.name)).toEqual(["default", "embed"]);
  });

  it("changes a pool's policy", async () => {
    watched = await browser.newPage();
    const { page } = watched;
    await page.goto(`${cluster.panelUrl}/pools`);
    await page.getByLabel("Policy of default").selectOption("sticky");
    await waitUntil(
      async () => (await pools()).pools.find((pool) => pool.name === "default")?.policy === "sticky",
    );
    await expect.poll(() => page.getByLabel("Policy of default").inputValue()).toBe("sticky");
  });

  it("edits aliases and ordered routing rules, saves them through the API, and names the rule the balancer refuses", async () => {
    const fleetSettings = async (): Promise<FleetSettings> =>
      (await (await fetch(`${cluster.managementUrl}/api/v1/fleet_settings`)).json()) as FleetSettings;
    watched = await browser.newPage();
    const { page } = watched;
    await page.goto(`${cluster.panelUrl}/pools`);
    const routing = page.getByRole("form", { name: "Routing" });
    await routing.waitFor();

    await routing.getByRole("button", { name: "Add alias" }).click();
    await routing.getByLabel("Alias 1 model name").fill("story-teller");
    await routing.getByRole("button", { name: "Add rule" }).click();
    await routing.getByLabel("Rule 1 pattern").fill("text-embedding-.*");
    await routing.getByLabel("Rule 1 pool").selectOption("embed");
    await routing.getByRole("button", { name: "Add rule" }).click();
    await routing.getByLabel("Rule 2 pattern").fill("gpt-.*");
    // Reordering: the second rule goes first.
    await routing.getByRole("button", { name: "Up rule 2" }).click();
    expect(await routing.getByLabel("Rule 1 pattern").inputValue()).toBe("gpt-.*");
    await routing.getByLabel("Fallback pool").selectOption("default");
    await routing.getByRole("button", { name: "Save routing" }).click();
    await expect.poll(() => page.getByTestId("routing-status").textContent()).toContain("Saved");
    const saved = await fleetSettings();
    expect(saved.aliases).toEqual({ "story-teller": "default" });
    expect(saved.rules).toEqual([
      { pattern: "gpt-.*", pool: "default" },
      { pattern: "text-embedding-.*", pool: "embed" },
    ]);
    expect(saved.fallback_pool).toBe("default");
    // The pools table lists the new alias (from the pools stream).
    await expect
      .poll(() => page.locator('tr[data-pool="default"] th').textContent())
      .toContain("also story-teller");

    // A bad regex is refused naming its rule; nothing is stored.
    await routing.getByLabel("Rule 2 pattern").fill("text-embedding-[");
    await routing.getByRole("button", { name: "Save routing" }).click();
    const alert = routing.getByRole("alert");
    await expect
      .poll(() => alert.textContent())
      .toContain("Rule 2 (text-embedding-[) not a valid regular expression");
    expect(await routing.getByLabel("Rule 2 pattern").getAttribute("aria-invalid")).toBe("true");
    await watched.screenshot("pools-routing-bad-regex");
    expect((await fleetSettings()).rules).toEqual(saved.rules);

    // What only the balancer knows comes back as its 400, against the row: an alias that is a pool's name.
    await routing.getByLabel("Rule 2 pattern").fill("text-embedding-.*");
    await routing.getByRole("button", { name: "Add alias" }).click();
    await routing.getByLabel("Alias 2 model name").fill("embed");
    await routing.getByRole("button", { name: "Save routing" }).click();
    await expect.poll(() => alert.textContent()).toContain("Alias 'embed' is already the name of a pool");
    expect(await alert.textContent()).toContain("400");
    expect(await routing.getByLabel("Alias 2 model name").getAttribute("aria-invalid")).toBe("true");

    // Remove the alias and the first rule; the rest is stored in order.
    await routing.getByRole("button", { name: "Remove alias 2" }).click();
    await routing.getByRole("button", { name: "Remove rule 1" }).click();
    await routing.getByLabel("Fallback pool").selectOption("");
    await routing.getByRole("button", { name: "Save routing" }).click();
    await expect.poll(() => page.getByTestId("routing-status").textContent()).toContain("Saved");
    const final = await fleetSettings();
    expect(final.rules).toEqual([{ pattern: "text-embedding-.*", pool: "embed" }]);
    expect(final.aliases).toEqual({ "story-teller": "default" });
    expect(final.fallback_pool).toBeNull();
    await watched.screenshot("pools-routing");
  });
});
