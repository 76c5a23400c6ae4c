import type { AgentControllerSnapshot, AgentTimelineEvent } from "@paddler/protocol";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../ndjson.js";
import { testDesiredState } from "../test-cluster.js";
import { launchPanelBrowser, type PanelBrowser, type WatchedPage } from "./browser.js";
import { ensurePanelBuilt } from "./ensure-panel-built.js";
import { type PanelCluster, startPanelCluster } from "./panel-cluster.js";

const agent = (overrides: Partial<AgentControllerSnapshot> & { id: string }): AgentControllerSnapshot => ({
  name: overrides.id,
  desired_slots_total: 2,
  slots_processing: 0,
  slots_total: 0,
  // No model path on made-up agents whose details are opened: they would ask for metadata.
  model_path: "/models/stories260K.gguf",
  download_current: 0,
  download_total: 0,
  download_filename: null,
  download_indeterminate: false,
  issues: [],
  uses_chat_template_override: false,
  state_application_status: "Applied",
  ...overrides,
});

/**
 * Agents mid-reload, made up: a real stories260K reload lasts under a second, and a drain past its
 * deadline is a bug. The agents stream and their timelines are replaced; the page is the real one.
 */
async function serveAgents(
  page: Page,
  origin: string,
  agents: AgentControllerSnapshot[],
  timelines: Record<string, AgentTimelineEvent[]>,
): Promise<void> {
  const headers = { "Access-Control-Allow-Origin": origin };
  await page.route("**/api/v1/agent_timeline?**", (route) => {
    const id = new URL(route.request().url()).searchParams.get("agent") ?? "";
    return route.fulfill({
      status: 200,
      headers,
      contentType: "application/json",
      body: JSON.stringify({ events: timelines[id] ?? [] }),
    });
  });
  await page.route("**/api/v1/agents/stream", (route) =>
    route.fulfill({
      status: 200,
      headers: { ...headers, "Content-Type": "text/event-stream" },
      body: `retry: 60000\ndata: ${JSON.stringify({ agents })}\n\n`,
    }),
  );
}

const event = (agentId: string, kind: AgentTimelineEvent["kind"], at: number): AgentTimelineEvent => ({
  at,
  agent_id: agentId,
  agent_name: agentId,
  kind,
  detail: null,
});

describe("admin panel: how long a reload or drain lasts, and when it is late", () => {
  let cluster: PanelCluster;
  let browser: PanelBrowser;
  let watched: WatchedPage | undefined;

  beforeAll(async () => {
    await ensurePanelBuilt();
    // A long context: an unbounded reply still runs when the reload comes.
    cluster = await startPanelCluster({
      desiredState: testDesiredState({
        inference_parameters: { ...testDesiredState().inference_parameters, context_size: 8192 },
      }),
    });
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

  it("shows what a draining or reloading agent waits on and for how long, and flags one stuck past its time", async () => {
    const now = Date.now();
    const agents = [
      agent({
        id: "draining-agent",
        slots_processing: 2,
        reload_drain: { slots_busy: 2, since_unix_ms: now - 10_000, deadline_unix_ms: now + 50_000 },
      }),
      agent({
        id: "late-drain-agent",
        slots_processing: 1,
        reload_drain: { slots_busy: 1, since_unix_ms: now - 95_000, deadline_unix_ms: now - 35_000 },
      }),
      agent({ id: "reloading-agent", slots_total: 1 }),
      agent({ id: "stuck-reload-agent" }),
    ];
    watched = await browser.newPage();
    const { page } = watched;
    await serveAgents(page, new URL(cluster.panelUrl).origin, agents, {
      "reloading-agent": [
        event("reloading-agent", "applied", now - 600_000),
        event("reloading-agent", "loading", now - 20_000),
      ],
      "stuck-reload-agent": [
        event("stuck-reload-agent", "applied", now - 600_000),
        event("stuck-reload-agent", "loading", now - 90_000),
        // Not a change of state: the reload still started 90 s ago.
        event("stuck-reload-agent", "warning", now - 30_000),
      ],
    });
    await page.goto(cluster.panelUrl);
    const row = (name: string) => page.locator(`tbody[data-agent-name="${name}"]`);
    const badge = (name: string) => row(name).getByTestId("agent-state");
    const detail = (name: string) => row(name).getByTestId("agent-state-since");

    await expect.poll(() => badge("draining-agent").textContent()).toBe("draining");
    await expect(detail("draining-agent").textContent()).resolves.toMatch(
      /2 requests still running, for 1\d s/,
    );
    await expect(badge("draining-agent").getAttribute("data-overdue")).resolves.toBe("false");

    await expect(badge("late-drain-agent").textContent()).resolves.toBe("draining: longer than expected");
    await expect(badge("late-drain-agent").getAttribute("class")).resolves.toContain("badge-overdue");
    await expect(detail("late-drain-agent").textContent()).resolves.toMatch(
      /1 request still running, for 1 min 3\d s/,
    );
    await expect(row("late-drain-agent").getByTestId("agent-state-overdue").textContent()).resolves.toMatch(
      /past its drain deadline by 3\d s/,
    );

    await expect
      .poll(() => detail("reloading-agent").textContent())
      .toMatch(/for 2\d s, waiting for the model to load/);
    await expect(badge("reloading-agent").textContent()).resolves.toBe("reloading");
    await expect(badge("reloading-agent").getAttribute("class")).resolves.toContain("badge-loading");

    await expect
      .poll(() => badge("stuck-reload-agent").textContent())
      .toBe("reloading: longer than expected");
    await expect(badge("stuck-reload-agent").getAttribute("class")).resolves.toContain("badge-overdue");
    await expect(detail("stuck-reload-agent").textContent()).resolves.toMatch(
      /for 1 min 3\d s, waiting for the model to load/,
    );
    await expect(
      row("stuck-reload-agent").getByTestId("agent-state-overdue").textContent(),
    ).resolves.toContain("expected within 1 min 0 s");
    // Never a calm "loading" badge on an agent that is late.
    await expect(page.locator('[data-overdue="true"].badge-loading').count()).resolves.toBe(0);
    await watched.screenshot("dashboard-reload-drain-progress");
  });

  it("shows a real agent's reload drain with the request it waits on, then the agent applied", async () => {
    await cluster.addAgent({ slots: 1, name: "real-agent", drainTimeoutMs: 60_000 });
    await cluster.waitForSlots(1, 60_000);
    watched = await browser.newPage();
    const { page } = watched;
    await page.goto(cluster.panelUrl);
    const row = page.locator('tbody[data-agent-name="real-agent"]');
    await expect.poll(() => row.getByTestId("agent-state").textContent()).toBe("applied");
    const abort = new AbortController();
    const reply = fetch(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ raw_prompt: "Once upon a time", max_tokens: -1 }),
      signal: abort.signal,
    }).then((response) => response.text());
    const ended = reply.catch(() => "aborted");
    try {
      await waitUntil(async () => (await cluster.agentsSnapshot()).agents[0]?.slots_processing === 1, 30_000);
      const reloaded = testDesiredState();
      reloaded.inference_parameters = { ...reloaded.inference_parameters, context_size: 4096 };
      await cluster.putDesiredState(reloaded);
      await expect
        .poll(() => row.getByTestId("agent-state").textContent(), { interval: 100 })
        .toBe("draining");
      await expect(row.getByTestId("agent-state-since").textContent()).resolves.toMatch(
        /^ ?1 request still running, for \d+ s$/,
      );
      await watched.screenshot("dashboard-real-reload-drain");
    } finally {
      abort.abort();
      await ended;
    }
    // The request gone, the agent reloads and is applied again: no progress shown any more.
    await expect
      .poll(() => row.getByTestId("agent-state").textContent(), { timeout: 60_000 })
      .toBe("applied");
    await expect(row.getByTestId("agent-state-since").count()).resolves.toBe(0);
  });
});
