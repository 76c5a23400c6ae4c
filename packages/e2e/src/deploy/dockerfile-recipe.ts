import { readFile } from "node:fs/promises";

/** The parts of an app's Dockerfile that the deploy-bundle test replays outside Docker. */
export interface DockerfileRecipe {
  /** e.g. `pnpm --filter "@paddler/balancer..." run build` */
  buildCommand: string;
  /** e.g. `pnpm --filter @paddler/balancer deploy --prod`, without the target folder. */
  deployCommand: string;
  /** The entry script the Dockerfile writes next to the bundle, and its file name. */
  entryName: string;
  entryScript: string;
}

/**
 * Reads the build, deploy and entry-script steps from a Dockerfile, so the test runs exactly
 * what the image runs instead of a copy that could drift from it.
 */
export async function readDockerfileRecipe(path: string): Promise<DockerfileRecipe> {
  const text = await readFile(path, "utf8");
  const build = /^RUN (pnpm --filter \S+ run build)$/m.exec(text);
  const deploy = /^RUN (pnpm --filter \S+ deploy --prod) \/out$/m.exec(text);
  const entry = /^COPY <<'ENTRY' \/out\/(\S+)\n([\s\S]*?)\nENTRY$/m.exec(text);
  if (!build?.[1] || !deploy?.[1] || !entry?.[1] || entry[2] === undefined)
    throw new Error(`${path}: expected a build RUN, a deploy RUN into /out and a COPY <<'ENTRY' heredoc`);
  return {
    buildCommand: build[1],
    deployCommand: deploy[1],
    entryName: entry[1],
    entryScript: `${entry[2]}\n`,
  };
}
