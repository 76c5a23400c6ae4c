import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { repoRoot } from "../test-model.js";

export const screenshotDir = join(repoRoot, "packages/e2e/test-results/screenshots");
const executablePath = process.env.PADDLER_CHROMIUM ?? "/usr/bin/chromium";

export interface PanelBrowser {
  context: BrowserContext;
  /** A fresh page whose console errors and page errors are collected into `errors`. */
  newPage(options?: { width?: number; height?: number }): Promise<WatchedPage>;
  close(): Promise<void>;
}

export interface WatchedPage {
  page: Page;
  errors: string[];
  screenshot(name: string): Promise<string>;
}

/** Debian's Chromium, headless, with a fresh profile, driven by playwright-core. */
export async function launchPanelBrowser(): Promise<PanelBrowser> {
  const userDataDir = await mkdtemp(join(tmpdir(), "paddler-chromium-"));
  await mkdir(screenshotDir, { recursive: true });
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    async newPage({ width = 1280, height = 900 } = {}) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height });
      const errors: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(`console: ${message.text()}`);
      });
      page.on("pageerror", (error) => errors.push(`page: ${error.message}`));
      return {
        page,
        errors,
        async screenshot(name) {
          const path = join(screenshotDir, `${name}.png`);
          await page.screenshot({ path, fullPage: true });
          return path;
        },
      };
    },
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
