import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";

// Vite requires a default export here.
export default defineConfig({
  plugins: [react()],
  // Build the workspace packages (@paddler/client, @paddler/protocol) from their sources.
  resolve: { conditions: ["@paddler/source", ...defaultClientConditions] },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1000 },
});
