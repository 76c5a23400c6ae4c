import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type BalancerDesiredState,
  defaultBalancerDesiredState,
  defaultFleetSettings,
  stateDatabaseFileSchema,
} from "@paddler/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StateDatabaseFileError } from "./errors.js";
import { openStateDatabase } from "./open-state-database.js";

const seedExample = new URL("./fixtures/paddler-v1-example.json", import.meta.url);

/** What the seed example means in today's format: its values, plus defaults for newer keys. */
const seedExampleState: BalancerDesiredState = {
  chat_template_override: null,
  inference_parameters: {
    ...defaultBalancerDesiredState.inference_parameters,
    n_batch: 512,
    context_size: 4096,
    enable_embeddings: false,
    min_p: 0.05,
    penalty_frequency: 0.0,
    penalty_last_n: -1,
    penalty_presence: 1.5,
    penalty_repeat: 1.0,
    pooling_type: "Last",
    temperature: 0.6,
    top_k: 40,
    top_p: 0.8,
  },
  model: {
    HuggingFace: { filename: "Qwen3-0.6B-Q8_0.gguf", repo_id: "Qwen/Qwen3-0.6B-GGUF", revision: "main" },
  },
  multimodal_projection: "None",
  use_chat_template_override: false,
};

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "paddler-state-db-"));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function readStateFile(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, "utf8"));
}

describe("file state database", () => {
  it("loads the older example file from the docs without changing it", async () => {
    const path = join(directory, "state.json");
    await copyFile(seedExample, path);
    const before = await readFile(path);
    await using database = await openStateDatabase(`file://${path}`);
    expect(await database.readBalancerDesiredState()).toEqual(seedExampleState);
    expect(await readFile(path)).toEqual(before);
  });

  it("round-trips the example: the next store writes the current format, losing no value", async () => {
    const path = join(directory, "state.json");
    await copyFile(seedExample, path);
    const first = await openStateDatabase(`file://${path}`);
    await first.storeBalancerDesiredState(await first.readBalancerDesiredState());
    await first.close();

    const written = stateDatabaseFileSchema.parse(await readStateFile(path));
    expect(written).toEqual({ balancer_desired_state: seedExampleState, version: "1" });
    expect(await readFile(path, "utf8")).toMatch(/^{\n {2}"balancer_desired_state": {\n/);

    await using second = await openStateDatabase(`file://${path}`);
    expect(await second.readBalancerDesiredState()).toEqual(seedExampleState);
  });

  it("keeps other pools and fleet settings beside Paddler's keys, and drops them when gone", async () => {
    const path = join(directory, "state.json");
    await copyFile(seedExample, path);
    const embeddings = {
      ...defaultBalancerDesiredState,
      inference_parameters: { ...defaultBalancerDesiredState.inference_parameters, enable_embeddings: true },
    };
    const first = await openStateDatabase(`file://${path}`);
    await first.storeBalancerDesiredState(embeddings, "embed");
    await first.storeFleetSettings({
      ...defaultFleetSettings,
      aliases: { "text-embedding-3-small": "embed" },
    });
    await first.close();
    expect(await readStateFile(path)).toMatchObject({
      balancer_desired_state: seedExampleState,
      model_pools: { embed: embeddings },
      fleet_settings: { aliases: { "text-embedding-3-small": "embed" } },
      version: "1",
    });

    const second = await openStateDatabase(`file://${path}`);
    expect(await second.listModelPools()).toEqual(["default", "embed"]);
    expect(await second.readBalancerDesiredState("embed")).toEqual(embeddings);
    expect((await second.readFleetSettings()).aliases).toEqual({ "text-embedding-3-small": "embed" });
    await second.deleteModelPool("embed");
    await second.storeFleetSettings(defaultFleetSettings);
    await second.close();
    // Only the default pool left: Paddler's format again, byte for byte its two keys.
    expect(Object.keys((await readStateFile(path)) as object)).toEqual(["balancer_desired_state", "version"]);
  });

  it("refuses a file that lists the default pool again under model_pools, naming the key", async () => {
    const path = join(directory, "state.json");
    await writeFile(
      path,
      JSON.stringify({
        balancer_desired_state: defaultBalancerDesiredState,
        model_pools: { default: defaultBalancerDesiredState },
        version: "1",
      }),
    );
    const error = await openStateDatabase(`file://${path}`).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StateDatabaseFileError);
    expect(String((error as Error).message)).toContain("model_pools.default");
  });

  it("creates a missing file with the defaults", async () => {
    const path = join(directory, "new.json");
    await using database = await openStateDatabase(`file://${path}`);
    expect(await database.readBalancerDesiredState()).toEqual(defaultBalancerDesiredState);
    expect(await readStateFile(path)).toEqual({
      balancer_desired_state: defaultBalancerDesiredState,
      version: "1",
    });
  });

  it("treats an empty file as the defaults, as Paddler does", async () => {
    const path = join(directory, "empty.json");
    await writeFile(path, "");
    await using database = await openStateDatabase(`file://${path}`);
    expect(await database.readBalancerDesiredState()).toEqual(defaultBalancerDesiredState);
    expect(stateDatabaseFileSchema.safeParse(await readStateFile(path)).success).toBe(true);
  });

  it("reads Paddler's fresh files, whose version is empty", async () => {
    const path = join(directory, "fresh.json");
    await writeFile(
      path,
      JSON.stringify({ balancer_desired_state: defaultBalancerDesiredState, version: "" }),
    );
    await using database = await openStateDatabase(`file://${path}`);
    expect(await database.readBalancerDesiredState()).toEqual(defaultBalancerDesiredState);
  });

  it.each([
    ["malformed JSON", '{"balancer_desired_state": {', /not valid JSON/],
    [
      "an invalid value",
      JSON.stringify({
        balancer_desired_state: {
          ...defaultBalancerDesiredState,
          inference_parameters: { ...defaultBalancerDesiredState.inference_parameters, top_k: "many" },
        },
        version: "1",
      }),
      /inference_parameters\.top_k: /,
    ],
    [
      "an unknown key",
      JSON.stringify({
        balancer_desired_state: { ...defaultBalancerDesiredState, colour: "blue" },
        version: "1",
      }),
      /balancer_desired_state\.colour: unknown key/,
    ],
    [
      "a future version",
      JSON.stringify({ balancer_desired_state: defaultBalancerDesiredState, version: "7" }),
      /version: unsupported/,
    ],
    ["a JSON array", "[]", /expected object/],
  ])(
    "refuses %s, names the file and the problem, and leaves the file byte-identical",
    async (_, content, reason) => {
      const path = join(directory, "broken.json");
      await writeFile(path, content);
      const error = await openStateDatabase(`file://${path}`).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(StateDatabaseFileError);
      expect(error).toMatchObject({ code: "INVALID_FILE", path });
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).toMatch(reason);
      expect(await readFile(path, "utf8")).toBe(content);
      expect(await readdir(directory)).toEqual(["broken.json"]);
    },
  );

  it("serializes concurrent stores and persists the last one", async () => {
    const path = join(directory, "state.json");
    await using database = await openStateDatabase(`file://${path}`);
    const stores = Array.from({ length: 20 }, (_, index) =>
      database.storeBalancerDesiredState({
        ...defaultBalancerDesiredState,
        inference_parameters: {
          ...defaultBalancerDesiredState.inference_parameters,
          context_size: index + 1,
        },
      }),
    );
    await Promise.all(stores);
    const written = stateDatabaseFileSchema.parse(await readStateFile(path));
    expect(written.balancer_desired_state.inference_parameters.context_size).toBe(20);
    expect(await readdir(directory)).toEqual(["state.json"]);
  });

  it("notifies subscribers after the file is written", async () => {
    const path = join(directory, "state.json");
    await using database = await openStateDatabase(`file://${path}`);
    const seenOnDisk: unknown[] = [];
    database.subscribe(() => {
      seenOnDisk.push(readFile(path, "utf8").then((text) => JSON.parse(text).balancer_desired_state.model));
    });
    await database.storeBalancerDesiredState({
      ...defaultBalancerDesiredState,
      model: { LocalToAgent: "/m.gguf" },
    });
    expect(await Promise.all(seenOnDisk)).toEqual([{ LocalToAgent: "/m.gguf" }]);
  });

  it("reports a missing parent directory as an I/O error naming the file", async () => {
    const path = join(directory, "no-such-dir", "state.json");
    await expect(openStateDatabase(`file://${path}`)).rejects.toMatchObject({
      code: "IO_FAILED",
      message: expect.stringContaining(path),
    });
  });
});
