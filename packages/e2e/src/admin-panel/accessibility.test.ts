import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchPanelBrowser, type PanelBrowser, type WatchedPage } from "./browser.js";
import { ensurePanelBuilt } from "./ensure-panel-built.js";
import { type PanelCluster, startPanelCluster } from "./panel-cluster.js";

/** The levels of the page's visible headings, in document order. */
const headingLevels = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
      .filter((heading) => (heading as HTMLElement).offsetParent !== null)
      .map((heading) => ({ level: Number(heading.tagName[1]), text: heading.textContent ?? "" })),
  );

/** Headings that skip a level on the way down (an h4 right under an h2). */
async function skippedLevels(page: Page): Promise<string[]> {
  const levels = await headingLevels(page);
  const skips: string[] = [];
  let previous = 0;
  for (const { level, text } of levels) {
    if (level > previous + 1) skips.push(`h${level} "${text}" after h${previous}`);
    previous = level;
  }
  return skips;
}

describe("admin panel: accessibility", { timeout: 120_000 }, () => {
  let cluster: PanelCluster;
  let browser: PanelBrowser;
  let watched: WatchedPage | undefined;

  beforeAll(async () => {
    await ensurePanelBuilt();
    cluster = await startPanelCluster({ agents: [{ slots: 1, name: "a11y-agent" }] });
    await cluster.waitForSlots(1);
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

  it("names every page in the tab's title and keeps its headings in order", async () => {
    watched = await browser.newPage();
    const { page } = watched;
    for (const [path, title] of [
      ["/pools", "Pools · Paddler"],
      ["/model", "Model · Paddler"],
      ["/prompt", "Prompt · Paddler"],
      ["/", "Dashboard · Paddler"],
    ] as const) {
      await page.goto(`${cluster.panelUrl}${path}`);
      await page.locator("h1").waitFor();
      await expect.poll(() => page.title()).toBe(title);
      await expect.poll(() => skippedLevels(page)).toEqual([]);
    }
    // The dashboard with an agent's details open: its sections sit under the Agents heading.
    const row = page.locator('tbody[data-agent-name="a11y-agent"]');
    await row.getByRole("button", { name: "Details for a11y-agent" }).click();
    await row.getByTestId("model-metadata").waitFor();
    await expect.poll(() => skippedLevels(page)).toEqual([]);
    expect((await headingLevels(page)).map(({ text }) => text)).toContain("Timeline");
  });

  it("lets a keyboard reach and scroll the model metadata list", async () => {
    watched = await browser.newPage();
    const { page } = watched;
    await page.goto(cluster.panelUrl);
    const row = page.locator('tbody[data-agent-name="a11y-agent"]');
    const toggle = row.getByRole("button", { name: "Details for a11y-agent" });
    await toggle.click();
    const region = page.getByRole("region", { name: /GGUF metadata \(\d+ keys\)/ });
    await region.waitFor();
    await row.getByTestId("model-metadata").waitFor();
    // From the details button, Tab walks into the details and reaches the list.
    await row.getByRole("button", { name: "Hide for a11y-agent" }).focus();
    let reached = false;
    for (let step = 0; step < 30 && !reached; step++) {
      await page.keyboard.press("Tab");
      reached = await region.evaluate((element) => document.activeElement === element);
    }
    expect(reached).toBe(true);
    const overflows = await region.evaluate((element) => element.scrollHeight > element.clientHeight);
    expect(overflows).toBe(true);
    await page.keyboard.press("End");
    await expect.poll(() => region.evaluate((element) => element.scrollTop)).toBeGreaterThan(0);
    await watched.screenshot("a11y-metadata-focused");
  });

  it("announces a finished chat reply to screen readers", async () => {
    watched = await browser.newPage();
    const { page } = watched;
    await page.goto(`${cluster.panelUrl}/prompt`);
    const announcer = page.locator('[aria-live="polite"][data-testid="reply-announcer"]');
    // In the page before anything is said: a live region added with its text is not read.
    await announcer.waitFor({ state: "attached" });
    await expect(announcer.textContent()).resolves.toBe("");
    await page.getByLabel("Message").fill("Once upon a time");
    await page.getByRole("button", { name: "Send" }).click();
    await page.locator('li.turn[data-role="assistant"][data-status="done"]').waitFor();
    const reply =
      (await page
        .locator('li.turn[data-role="assistant"]')
        .last()
        .getByTestId("reply-content")
        .textContent()) ?? "";
    expect(reply.trim().length).toBeGreaterThan(0);
    await expect.poll(() => announcer.textContent()).toBe(`The model replied: ${reply}`);
  });

  it("never hides the focused field under the mobile save bar", async () => {
    watched = await browser.newPage({ width: 390, height: 700 });
    const { page } = watched;
    await page.goto(`${cluster.panelUrl}/model`);
    await page.getByLabel("Model file").waitFor();
    const bar = page.locator("form.model-form .form-actions");
    await page.getByLabel("Model file").focus();
    const hidden: string[] = [];
    let fields = 0;
    for (let step = 0; step < 80; step++) {
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        if (!element?.matches("input, select, textarea")) return null;
        const rect = element.getBoundingClientRect();
        const label = element.id ? document.querySelector(`label[for="${element.id}"]`)?.textContent : null;
        return {
          top: rect.top,
          bottom: rect.bottom,
          name: label ?? element.getAttribute("name") ?? element.id,
        };
      });
      if (focused === null) {
        if (await bar.getByRole("button").evaluate((button) => document.activeElement === button)) break;
        continue;
      }
      fields++;
      const barBox = await bar.boundingBox();
      if (barBox === null) throw new Error("no save bar");
      if (focused.bottom > barBox.y + 0.5 || focused.top < 0)
        hidden.push(`${focused.name}: ${focused.top}–${focused.bottom}, bar from ${barBox.y}`);
    }
    expect(fields).toBeGreaterThan(10);
    expect(hidden).toEqual([]);
    await watched.screenshot("a11y-model-page-phone-focus");
  });
});
