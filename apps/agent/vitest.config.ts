import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@paddler/source"] },
  ssr: { resolve: { conditions: ["@paddler/source"] } },
  test: {
    name: "@paddler/agent",
    environment: "node",
    // Engine tests load the real model: in forks, one file at a time, so llama.cpp threads do not
    // fight over the 2 cores; loading and freeing a model under a busy CI machine can take longer
    // than Vitest's 10 s default.
    pool: "forks",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
