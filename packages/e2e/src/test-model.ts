import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, found from this file so tests run from any working directory. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The test model shipped in the repository (models/README.md). */
export const testModelPath = resolve(repoRoot, "models/stories260K.gguf");
if (!existsSync(testModelPath)) throw new Error(`The test model is missing at ${testModelPath}`);

/** stories260K has no chat template; chat requests use this override. */
export const simpleChatTemplate =
  "{% for message in messages %}{{ message['role'] }}: {{ message['content'] }}\n{% endfor %}{% if add_generation_prompt %}assistant:{% endif %}";
