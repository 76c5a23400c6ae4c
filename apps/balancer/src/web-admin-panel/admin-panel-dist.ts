import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The panel's Vite build output in the monorepo: apps/admin-panel/dist, found from this file
 * (the same depth from apps/balancer/src and apps/balancer/dist).
 */
export const defaultAdminPanelDistDir = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../../admin-panel/dist",
);

export const buildCommand = "pnpm --filter @paddler/admin-panel build";
