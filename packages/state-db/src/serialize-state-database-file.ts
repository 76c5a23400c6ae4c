import { type BalancerDesiredState, STATE_DATABASE_FILE_VERSION } from "@paddler/protocol";

function sortKeys(_key: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return value;
  }
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Pretty JSON with sorted keys, like Paddler's file, so hand diffs of the file stay small. */
export function serializeStateDatabaseFile(state: BalancerDesiredState): string {
  const document = { balancer_desired_state: state, version: STATE_DATABASE_FILE_VERSION };
  return `${JSON.stringify(document, sortKeys, 2)}\n`;
}
