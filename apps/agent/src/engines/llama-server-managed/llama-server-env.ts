import { dirname } from "node:path";

/**
 * The environment llama-server runs in: the agent's, with the binary's own directory first on the
 * library path. A llama-server copied out of its CMake build tree (as scripts/build-llama-server.sh
 * caches it) keeps a RUNPATH into the deleted build tree; its shared libraries lie beside it.
 */
export function llamaServerEnv(binary: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const paths = [dirname(binary), env.LD_LIBRARY_PATH].filter((path): path is string => Boolean(path));
  return { ...env, LD_LIBRARY_PATH: paths.join(":") };
}
