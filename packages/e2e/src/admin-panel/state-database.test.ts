import { startTestPostgres, type TestPostgres } from "@paddler/state-db/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchPanelBrowser, type PanelBrowser, type WatchedPage } from "./browser.js";
import { ensurePanelBuilt } from "./ensure-panel-built.js";
import { type PanelCluster, startPanelCluster } from "./panel-cluster.js";

// A real PostgreSQL server of the test's own (Debian's binaries, see start-test-postgres.ts) as the
// balancer's state database, stopped and started again while the panel is open in Chromium.
describe("admin panel: the state database", () => {
  let server: TestPostgres;
  let cluster: PanelCluster;
  let browser: PanelBrowser;
  let watched: WatchedPage | undefined;

  beforeAll(async () => {
    await ensurePanelBuilt();
    server = await startTestPostgres();
    cluster = await startPanelCluster({ balancer: { stateDatabase: server.url } });
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
    await server?.close();
  });

  const databaseGauge = async () => {
    const text = await (await fetch(`${cluster.managementUrl}/metrics`)).text();
    return /^paddler_state_database_available (\d)/m.exec(text)?.[1];
  };

  it("says when the database is unreachable (changes refused) and stops saying it when it is back", async () => {
    watched = await browser.newPage();
    const { page } = watched;
    await page.goto(cluster.panelUrl);
    await page.getByText("No agent has joined yet").waitFor();
    // Two polls of /health pass with the database up: no banner.
    await page.waitForTimeout(4500);
    await expect(page.getByTestId("state-database-banner").count()).resolves.toBe(0);
    expect(await databaseGauge()).toBe("1");

    await server.stop();
    const banner = page.getByTestId("state-database-banner");
    await banner.waitFor({ timeout: 30_000 });
    await expect
      .poll(() => banner.textContent())
      .toMatch(/State database unreachable.*changes to models, pools and routing are refused/s);
    // What the banner says is what the balancer does: a change is refused with 503, and the gauge is 0.
    const refused = await fetch(`${cluster.managementUrl}/api/v1/balancer_desired_state`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: await (await fetch(`${cluster.managementUrl}/api/v1/balancer_desired_state`)).text(),
    });
    expect(refused.status).toBe(503);
    expect(await databaseGauge()).toBe("0");
    await watched.screenshot("state-database-down");

    await server.start();
    await banner.waitFor({ state: "detached", timeout: 30_000 });
    expect(await databaseGauge()).toBe("1");
    await watched.screenshot("state-database-back");
  }, 120_000);
});
