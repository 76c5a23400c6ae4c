import { copyFile, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startBalancer } from "@paddler/balancer";
import { silentLogger } from "@paddler/logger";
import { defaultInferenceParameters } from "@paddler/protocol";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./test-model.js";

const seedExample = resolve(repoRoot, "packages/state-db/src/fixtures/paddler-v1-example.json");

async function balancerWith(stateDatabase: string) {
  return startBalancer({
    logger: silentLogger(),
    config: {
      inferenceAddr: null,
      managementAddr: { host: "127.0.0.1", port: 0 },
      webAdminPanelAddr: null,
      compatOpenaiAddr: null,
      stateDatabase,
      maxBufferedRequests: 30,
      bufferedRequestTimeoutMs: 10_000,
      inferenceItemTimeoutMs: 30_000,
      inferenceCorsAllowedHosts: [],
      managementCorsAllowedHosts: [],
      statsdPrefix: "paddler_",
    },
  });
}

describe("the file state database behind a real balancer", () => {
  it("starts from the seed's example state file and keeps a PUT across a restart", async () => {
    const dir = await mkdtemp(join(tmpdir(), "paddler-state-"));
    const path = join(dir, "state.json");
    await copyFile(seedExample, path);
    const first = await balancerWith(`file://${path}`);
    const url = `http://${first.addresses.management}/api/v1/balancer_desired_state`;
    const loaded = await (await fetch(url)).json();
    expect(loaded).toMatchObject({
      model: {
        HuggingFace: { filename: "Qwen3-0.6B-Q8_0.gguf", repo_id: "Qwen/Qwen3-0.6B-GGUF", revision: "main" },
      },
      inference_parameters: {
        n_batch: 512,
        context_size: 4096,
        temperature: 0.6,
        top_k: 40,
        penalty_presence: 1.5,
      },
      multimodal_projection: "None",
    });
    expect(loaded.inference_parameters.embedding_batch_size).toBe(
      defaultInferenceParameters.embedding_batch_size,
    );
    const changed = { ...loaded, inference_parameters: { ...loaded.inference_parameters, temperature: 0.1 } };
    expect((await fetch(url, { method: "PUT", body: JSON.stringify(changed) })).status).toBe(204);
    await first.close();
    const written = JSON.parse(await readFile(path, "utf8"));
    expect(written).toEqual({ balancer_desired_state: changed, version: "1" });
    const second = await balancerWith(`file://${path}`);
    expect(
      await (await fetch(`http://${second.addresses.management}/api/v1/balancer_desired_state`)).json(),
    ).toEqual(changed);
    await second.close();
  });
});
