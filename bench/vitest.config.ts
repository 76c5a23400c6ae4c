import { defineProject } from "vitest/config";

// Unit tests of the bench's pure parts (the profile's categories, the report); the benches
// themselves run with `pnpm bench`, not here.
export default defineProject({
  resolve: { conditions: ["@paddler/source"] },
  ssr: { resolve: { conditions: ["@paddler/source"] } },
  test: { name: "@paddler/bench", environment: "node", include: ["src/**/*.test.ts"] },
});
