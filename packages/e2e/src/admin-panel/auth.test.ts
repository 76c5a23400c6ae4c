import type { AgentsResponse } from "@paddler/protocol";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { testDesiredState } from "../test-cluster.js";
import { launchPanelBrowser, type PanelBrowser, type WatchedPage } from "./browser.js";
import { ensurePanelBuilt } from "./ensure-panel-built.js";
import { type PanelCluster, startPanelCluster } from "./panel-cluster.js";

const managementToken = "panel-test-management-token";
const inferenceApiKey = "panel-test-inference-key";

/**
 * Chromium writes every refused load to the console itself, whatever the page does with the
 * answer: a 401 from fetch ("Failed to load resource") and a WebSocket handshake refused with
 * 401. The panel handles both (it asks for the credential), so exactly these two messages are
 * expected here; anything else still fails the test.
 */
const expectedConsoleErrors = [
  /^console: Failed to load resource: the server responded with a status of 401 \(Unauthorized\)$/,
  /^console: WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/api\/v1\/inference_socket(\?access_token=[^'&]*)?' failed: HTTP Authentication failed; no valid credentials available$/,
];
const unexpected = (errors: string[]) =>
  errors.filter((error) => !expectedConsoleErrors.some((pattern) => pattern.test(error)));

describe("admin panel: sign-in when the balancer requires credentials", () => {
  let cluster: PanelCluster;
  let browser: PanelBrowser;
  let watched: WatchedPage | undefined;
  const authorized = { Authorization: `Bearer ${managementToken}` };

  beforeAll(async () => {
    await ensurePanelBuilt();
    cluster = await startPanelCluster({
      desiredState: null,
      balancer: { managementToken, inferenceApiKeys: [inferenceApiKey] },
    });
    // The cluster helpers call the management service without a token, so set things up here.
    const put = await fetch(`${cluster.managementUrl}/api/v1/balancer_desired_state`, {
      method: "PUT",
      headers: { ...authorized, "Content-Type": "application/json" },
      body: JSON.stringify(testDesiredState()),
    });
    expect(put.status).toBe(204);
    await cluster.addAgent({ slots: 2, name: "auth-agent" });
    for (const deadline = Date.now() + 30_000; ; ) {
      const response = await fetch(`${cluster.managementUrl}/api/v1/agents`, { headers: authorized });
      const { agents } = (await response.json()) as AgentsResponse;
      if (agents[0]?.slots_total === 2) break;
      if (Date.now() > deadline) throw new Error("the agent never reported its slots");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await fetch(`${cluster.managementUrl}/api/v1/agents`)).status).toBe(401);
    browser = await launchPanelBrowser();
  }, 180_000);
  afterEach(async () => {
    const errors = watched?.errors ?? [];
    await watched?.page.close();
    watched = undefined;
    expect(unexpected(errors)).toEqual([]);
    // A handful, one per refused call: a 401 is never retried in a loop.
    expect(errors.length).toBeLessThanOrEqual(12);
  });
  afterAll(async () => {
    await browser?.close();
    await cluster?.close();
  });

  it("asks for the management token, refuses a wrong one, shows the fleet with the right one", async () => {
    watched = await browser.newPage();
    const { page } = watched;
    await page.goto(cluster.panelUrl);
    await page.getByRole("heading", { name: "Management token required" }).waitFor();
    await expect(page.getByText("Kept for this browser tab").count()).resolves.toBe(1);
    // The field has focus: the keyboard alone signs in.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute("name")))
      .toBe("management_token");
    await watched.screenshot("sign-in");

    await page.keyboard.type("not-the-token");
    await page.keyboard.press("Enter");
    await page.getByRole("alert").getByText("The balancer refused this token").waitFor();
    await watched.screenshot("sign-in-refused");
    await expect(
      page.evaluate(() => sessionStorage.getItem("paddler-admin-panel.management-token")),
    ).resolves.toBeNull();

    await page.getByLabel("Management token", { exact: true }).fill(managementToken);
    await page.keyboard.press("Enter");
    await page.locator('tbody[data-agent-name="auth-agent"][data-state="applied"]').waitFor();
    await expect.poll(() => page.getByTestId("desired-model").textContent()).toContain("stories260K");
    await expect(page.getByTestId("sign-in-management").count()).resolves.toBe(0);
    await expect(
      page.evaluate(() => sessionStorage.getItem("paddler-admin-panel.management-token")),
    ).resolves.toBe(managementToken);

    // Kept for this tab: a reload goes straight to the fleet.
    await page.reload();
    await page.locator('tbody[data-agent-name="auth-agent"]').waitFor();
    await expect(page.getByTestId("sign-in-management").count()).resolves.toBe(0);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Management token required" }).waitFor();
    await expect(
      page.evaluate(() => sessionStorage.getItem("paddler-admin-panel.management-token")),
    ).resolves.toBeNull();
    await expect(page.getByRole("button", { name: "Sign out" }).count()).resolves.toBe(0);
  });

  it("asks the prompt page for the inference API key, then streams a reply", async () => {
    watched = await browser.newPage();
    const { page } = watched;
    await page.goto(`${cluster.panelUrl}/prompt`);
    await page.getByLabel("Management token", { exact: true }).fill(managementToken);
    await page.getByRole("button", { name: "Sign in" }).click();

    await page.getByRole("heading", { name: "Inference API key required" }).waitFor();
    await expect.poll(() => page.getByLabel("Message").isDisabled()).toBe(true);
    await watched.screenshot("sign-in-inference");
    await page.getByLabel("Inference API key", { exact: true }).fill("not-the-key");
    await page.keyboard.press("Enter");
    await page.getByRole("alert").getByText("The balancer refused this key").waitFor();

    await page.getByLabel("Inference API key", { exact: true }).fill(inferenceApiKey);
    await page.keyboard.press("Enter");
    await page.getByTestId("sign-in-inference").waitFor({ state: "detached" });
    await expect.poll(() => page.getByLabel("Message").isDisabled()).toBe(false);
    await expect(
      page.evaluate(() => sessionStorage.getItem("paddler-admin-panel.inference-api-key")),
    ).resolves.toBe(inferenceApiKey);

    await page.getByLabel("Message").fill("Once upon a time");
    await page.getByRole("button", { name: "Send" }).click();
    const reply = page.locator('li.turn[data-role="assistant"][data-status="done"]');
    await reply.waitFor();
    await expect
      .poll(async () => (await reply.getByTestId("reply-content").textContent())?.trim().length)
      .toBeGreaterThan(0);
    await expect.poll(() => reply.getByTestId("turn-status").textContent()).toContain("by auth-agent");
    await watched.screenshot("prompt-signed-in");
  });
});
