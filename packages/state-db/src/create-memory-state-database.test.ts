import {
  type BalancerDesiredState,
  defaultBalancerDesiredState,
  defaultFleetSettings,
  type FleetSettings,
} from "@paddler/protocol";
import { describe, expect, it } from "vitest";
import { createMemoryStateDatabase } from "./create-memory-state-database.js";
import { StateDatabaseError } from "./errors.js";
import type { BalancerDesiredStateChange, StateDatabaseChange } from "./state-database.js";

const withModel: BalancerDesiredState = {
  ...defaultBalancerDesiredState,
  model: { LocalToAgent: "/models/a.gguf" },
};

describe("memory state database", () => {
  it("starts from the defaults and hands out copies", async () => {
    const database = createMemoryStateDatabase();
    const state = await database.readBalancerDesiredState();
    expect(state).toEqual(defaultBalancerDesiredState);
    state.inference_parameters.top_k = 1;
    expect(await database.readBalancerDesiredState()).toEqual(defaultBalancerDesiredState);
  });

  it("stores and notifies subscribers in store order until they unsubscribe", async () => {
    const database = createMemoryStateDatabase();
    const changes: BalancerDesiredStateChange[] = [];
    const unsubscribe = database.subscribe((change) => {
      if (change.kind === "desired_state") changes.push(change);
    });
    const first = database.storeBalancerDesiredState(withModel);
    const second = database.storeBalancerDesiredState(defaultBalancerDesiredState);
    await Promise.all([first, second]);
    unsubscribe();
    await database.storeBalancerDesiredState(withModel);
    expect(changes.map((change) => change.state.model)).toEqual([{ LocalToAgent: "/models/a.gguf" }, "None"]);
    expect(changes[0]?.pool).toBe("default");
    expect(await database.readBalancerDesiredState()).toEqual(withModel);
  });

  it("refuses invalid states, unknown pools and use after close", async () => {
    const database = createMemoryStateDatabase();
    const invalid = {
      ...defaultBalancerDesiredState,
      inference_parameters: { ...defaultBalancerDesiredState.inference_parameters, top_p: 2 },
    };
    await expect(database.storeBalancerDesiredState(invalid)).rejects.toMatchObject({
      code: "INVALID_STATE",
      message: expect.stringContaining("inference_parameters.top_p"),
    });
    await expect(database.readBalancerDesiredState("gpu-pool")).rejects.toMatchObject({
      code: "UNKNOWN_MODEL_POOL",
    });
    await database.close();
    await expect(database.readBalancerDesiredState()).rejects.toBeInstanceOf(StateDatabaseError);
    await database[Symbol.asyncDispose]();
  });

  it("still notifies every subscriber when one throws, and reports it", async () => {
    const database = createMemoryStateDatabase();
    const heard: string[] = [];
    database.subscribe(() => {
      throw new Error("boom");
    });
    database.subscribe(() => heard.push("second"));
    await expect(database.storeBalancerDesiredState(withModel)).rejects.toBeInstanceOf(AggregateError);
    expect(heard).toEqual(["second"]);
    expect(await database.readBalancerDesiredState()).toEqual(withModel);
  });

  it("keeps one desired state per pool: a store creates a pool, a delete removes it", async () => {
    const database = createMemoryStateDatabase();
    const changes: StateDatabaseChange[] = [];
    database.subscribe((change) => changes.push(change));
    await database.storeBalancerDesiredState(withModel, "chat");
    expect(await database.listModelPools()).toEqual(["default", "chat"]);
    expect(await database.readBalancerDesiredState("chat")).toEqual(withModel);
    expect(await database.readBalancerDesiredState()).toEqual(defaultBalancerDesiredState);
    await database.deleteModelPool("chat");
    expect(await database.listModelPools()).toEqual(["default"]);
    await expect(database.deleteModelPool("chat")).rejects.toMatchObject({ code: "UNKNOWN_MODEL_POOL" });
    await expect(database.deleteModelPool("default")).rejects.toMatchObject({
      code: "DEFAULT_POOL_REQUIRED",
    });
    await expect(database.storeBalancerDesiredState(withModel, "Bad Name")).rejects.toMatchObject({
      code: "INVALID_STATE",
    });
    expect(changes.map((change) => `${change.kind}:${"pool" in change ? change.pool : ""}`)).toEqual([
      "desired_state:chat",
      "pool_deleted:chat",
    ]);
  });

  it("stores fleet settings, and refuses a rule whose regex does not compile, naming it", async () => {
    const database = createMemoryStateDatabase();
    expect(await database.readFleetSettings()).toEqual(defaultFleetSettings);
    const settings: FleetSettings = {
      ...defaultFleetSettings,
      aliases: { "gpt-4o": "chat" },
      rules: [{ pattern: "llama-.*", pool: "chat" }],
      pool_policies: { chat: "prefix_affinity" },
    };
    await database.storeFleetSettings(settings);
    expect(await database.readFleetSettings()).toEqual(settings);
    await expect(
      database.storeFleetSettings({
        ...settings,
        rules: [...settings.rules, { pattern: "(", pool: "chat" }],
      }),
    ).rejects.toMatchObject({
      code: "INVALID_STATE",
      message: expect.stringContaining("rules.1.pattern: not a valid regular expression"),
    });
  });
});
