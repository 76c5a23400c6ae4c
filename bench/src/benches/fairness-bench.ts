import { setTimeout as sleep } from "node:timers/promises";
import { startAgentDriver } from "../lib/agent-driver.js";
import { median, summarize } from "../lib/percentile.js";
import { benchFile } from "../lib/repo-paths.js";
import { spawnEntry } from "../lib/spawn-entry.js";

export interface FairnessResult {
  slots: number;
  longRequests: number;
  longMaxTokens: number;
  probes: number;
  /** Time to first token of a short request on an idle agent. */
  idleP50Ms: number;
  idleP99Ms: number;
  idleMaxMs: number;
  /** The same request admitted to the free slot while the long ones generate. */
  busyP50Ms: number;
  busyP99Ms: number;
  busyMaxMs: number;
  /** Median time between two tokens of a long request while all slots run: one batch step. */
  batchStepMs: number;
}

export interface FairnessBenchOptions {
  slots: number;
  longMaxTokens: number;
  probes: number;
  log: (line: string) => void;
}

const prompt = "Once upon a time";

/**
 * Issue 16: fairness inside one agent. With `slots − 1` long generations running on a real llama
 * agent, a short request admitted to the free slot should get its first token within about one
 * batch step, not after the others finish.
 */
export async function runFairnessBench(options: FairnessBenchOptions): Promise<FairnessResult> {
  const { log, slots, longMaxTokens, probes } = options;
  const driver = await startAgentDriver();
  const agent = await spawnEntry({
    file: benchFile("targets/agent-main.ts"),
    args: [driver.address, String(slots), "llama"],
  });
  const probe = async () =>
    (await driver.generate({ ContinueFromRawPrompt: { raw_prompt: prompt, max_tokens: 2 } })).firstTokenMs;
  try {
    await driver.waitForSlots(slots);
    for (let index = 0; index < 5; index++) await probe(); // warm-up
    const idle: number[] = [];
    for (let index = 0; index < probes; index++) {
      idle.push(await probe());
      await sleep(10);
    }
    const longCount = slots - 1;
    const steps: number[] = [];
    let running = true;
    let started = 0;
    let allStarted: () => void = () => {};
    const generating = new Promise<void>((resolve) => {
      allStarted = resolve;
    });
    const loops = Array.from({ length: longCount }, async () => {
      let first = true;
      while (running) {
        const outcome = await driver.generate(
          { ContinueFromRawPrompt: { raw_prompt: prompt, max_tokens: longMaxTokens } },
          () => {
            if (first && ++started === longCount) allStarted();
            first = false;
          },
        );
        if (outcome.contentTokens > 1)
          steps.push((outcome.totalMs - outcome.firstTokenMs) / (outcome.contentTokens - 1));
      }
    });
    await generating;
    const busy: number[] = [];
    for (let index = 0; index < probes; index++) {
      busy.push(await probe());
      await sleep(20);
    }
    running = false;
    await Promise.all(loops);
    const idleSummary = summarize(idle);
    const busySummary = summarize(busy);
    const result: FairnessResult = {
      slots,
      longRequests: longCount,
      longMaxTokens,
      probes,
      idleP50Ms: idleSummary.p50,
      idleP99Ms: idleSummary.p99,
      idleMaxMs: Math.max(...idle),
      busyP50Ms: busySummary.p50,
      busyP99Ms: busySummary.p99,
      busyMaxMs: Math.max(...busy),
      batchStepMs: median(steps),
    };
    log(
      `  first token idle p99 ${result.idleP99Ms.toFixed(2)} ms, beside ${longCount} long p99 ${result.busyP99Ms.toFixed(2)} ms (max ${result.busyMaxMs.toFixed(2)}), batch step ${result.batchStepMs.toFixed(2)} ms`,
    );
    return result;
  } finally {
    await agent.stop();
    await driver.close();
  }
}
