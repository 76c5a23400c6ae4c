import type { StateDatabaseHealth } from "@paddler/state-db";
import { Gauge, type Registry } from "prom-client";

/** `<prefix>state_database_available`: 1 while the state database answers, 0 while it does not. */
export function registerStateDatabaseMetrics(options: {
  registry: Registry;
  prefix: string;
  health: () => StateDatabaseHealth;
}): void {
  const { health } = options;
  new Gauge({
    name: `${options.prefix}state_database_available`,
    help: "Whether the state database answers (1) or not (0); while 0, desired-state changes are refused",
    registers: [options.registry],
    collect() {
      this.set(health().available ? 1 : 0);
    },
  });
}
