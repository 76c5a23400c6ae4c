import { readFile } from "node:fs/promises";
import {
  balancerDesiredStateSchema,
  describeZodError,
  fleetSettingsSchema,
  modelPoolNameSchema,
} from "@paddler/protocol";
import { z } from "zod";
import { InvalidRequestError } from "../errors.js";
import type { Fleet } from "./fleet.js";

/** `--fleet-file`: the fleet settings, plus the desired state of any pool to create or replace. */
export const fleetFileSchema = fleetSettingsSchema.extend({
  pools: z.record(modelPoolNameSchema, balancerDesiredStateSchema).default({}),
});

/** A fleet file that cannot be read, parsed or applied; the message names the file and the fields. */
export class FleetFileError extends Error {
  override readonly name = "FleetFileError";
  readonly path: string;
  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super(`Fleet file ${path}: ${reason}`, options);
    this.path = path;
  }
}

/**
 * Applies a fleet file at start-up: its pools' desired states are stored (pools not in the file
 * are left as they are), then its settings replace the stored ones, so the file is the truth for
 * routing after every restart while the management API can still change things until the next.
 */
export async function applyFleetFile(fleet: Fleet, path: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new FleetFileError(path, `cannot be read (${(error as Error).message})`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FleetFileError(path, `not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const parsed = fleetFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = describeZodError(parsed.error).map((problem) => `${problem.field}: ${problem.reason}`);
    throw new FleetFileError(path, problems.join("; "), { cause: parsed.error });
  }
  const { pools, ...settings } = parsed.data;
  for (const [pool, state] of Object.entries(pools)) await fleet.setDesired(pool, state);
  try {
    await fleet.setSettings({
      ...settings,
      // Pools the file creates get the new-pool policy unless the file names one.
      pool_policies: { ...fleet.settings.pool_policies, ...settings.pool_policies },
    });
  } catch (error) {
    if (error instanceof InvalidRequestError)
      throw new FleetFileError(
        path,
        error.problems.map((problem) => `${problem.field}: ${problem.reason}`).join("; "),
        { cause: error },
      );
    throw error;
  }
}
