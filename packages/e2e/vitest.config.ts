import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@paddler/source"] },
  ssr: { resolve: { conditions: ["@paddler/source"] } },
  test: {
    name: "@paddler/e2e",
    environment: "node",
    // Real models on a 2-core machine: one file at a time, in forks, so llama.cpp threads don't fight.
    pool: "forks",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
