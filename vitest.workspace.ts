import { defineConfig } from "vitest/config";

// Current Vitest dropped the workspace file format; this keeps the design card's file name as a normal config.
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*", "bench"],
  },
});
