import { defaultBalancerDesiredState, STATE_DATABASE_FILE_VERSION } from "@paddler/protocol";

type JsonObject = Record<string, unknown>;

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Adds the keys a newer Paddler introduced, with their defaults; present keys are never touched. */
function withMissingKeys(value: JsonObject, defaults: object): JsonObject {
  const result: JsonObject = { ...value };
  for (const [key, defaultValue] of Object.entries(defaults)) {
    if (!(key in result)) {
      result[key] = structuredClone(defaultValue);
    }
  }
  return result;
}

/**
 * Brings a state file written by an older Paddler to the current shape before validation:
 * `batch_n_tokens` became `n_batch`, and keys added since (e.g. `multimodal_projection`,
 * `k_cache_dtype`) get their defaults. It only renames and adds; every value found is kept, and
 * anything it does not recognise is left for the strict schema to reject, so nothing is dropped.
 */
export function upgradeStateDatabaseDocument(document: unknown): unknown {
  if (!isJsonObject(document)) {
    return document;
  }
  const upgraded: JsonObject = { ...document };
  if (!("version" in upgraded)) {
    // Paddler reads a file without a version as version "1".
    upgraded.version = STATE_DATABASE_FILE_VERSION;
  }
  upgraded.balancer_desired_state = upgradeDesiredState(upgraded.balancer_desired_state);
  // Our own extra pools are written in the current shape, but a file may predate a new key.
  if (isJsonObject(upgraded.model_pools)) {
    upgraded.model_pools = Object.fromEntries(
      Object.entries(upgraded.model_pools).map(([pool, state]) => [pool, upgradeDesiredState(state)]),
    );
  }
  return upgraded;
}

function upgradeDesiredState(desiredState: unknown): unknown {
  if (!isJsonObject(desiredState)) {
    return desiredState;
  }
  const upgradedState = withMissingKeys(desiredState, defaultBalancerDesiredState);
  const parameters = upgradedState.inference_parameters;
  if (isJsonObject(parameters)) {
    const renamed: JsonObject = { ...parameters };
    if ("batch_n_tokens" in renamed && !("n_batch" in renamed)) {
      renamed.n_batch = renamed.batch_n_tokens;
      delete renamed.batch_n_tokens;
    }
    upgradedState.inference_parameters = withMissingKeys(
      renamed,
      defaultBalancerDesiredState.inference_parameters,
    );
  }
  return upgradedState;
}
