import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, found from this file so the bench runs from any working directory. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The test model shipped in the repository (models/README.md). */
export const modelPath = resolve(repoRoot, "models/stories260K.gguf");

/** Where `pnpm bench` writes REPORT.md, the chart and the raw JSON. */
export const resultsDir = resolve(repoRoot, "bench/results");

/** A bench source file by its path under bench/src, for spawning entry scripts. */
export const benchFile = (relative: string) => resolve(repoRoot, "bench/src", relative);
