import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@paddler/source"] },
  ssr: { resolve: { conditions: ["@paddler/source"] } },
  test: { name: "@paddler/tracing", environment: "node" },
});
