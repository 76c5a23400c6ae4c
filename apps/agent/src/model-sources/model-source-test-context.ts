import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AgentDesiredModel, AgentIssue } from "@paddler/protocol";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { ModelSourceError } from "./model-source-error.js";
import { type ResolveModelOptions, resolveModelPath } from "./resolve-model-path.js";
import { startTestModelServer, type TestModelServer } from "./test-model-server.js";

// Test support only: the shared setup of the resolveModelPath tests.

export interface ModelSourceTestContext {
  readonly server: TestModelServer;
  /** A fresh temporary cache directory per test. */
  readonly cacheDir: string;
  /** resolveModelPath against the test server and cache, with a generous timeout signal. */
  resolve(model: AgentDesiredModel, extra?: Partial<ResolveModelOptions>): Promise<string | null>;
}

/** Registers the hooks (one server per file, one cache per test) and returns their live values. */
export function useModelSourceTestContext(): ModelSourceTestContext {
  let server: TestModelServer | undefined;
  let cacheDir: string | undefined;
  beforeAll(async () => {
    server = await startTestModelServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    cacheDir = await mkdtemp(path.join(tmpdir(), "paddler-model-sources-"));
    if (server) server.requests.length = 0;
  });
  afterEach(async () => {
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });
  const context: ModelSourceTestContext = {
    get server() {
      if (!server) throw new Error("the test server starts in beforeAll");
      return server;
    },
    get cacheDir() {
      if (!cacheDir) throw new Error("the cache directory is made in beforeEach");
      return cacheDir;
    },
    resolve: (model, extra = {}) =>
      resolveModelPath({
        model,
        cacheDir: context.cacheDir,
        signal: AbortSignal.timeout(20_000),
        huggingFaceEndpoint: context.server.baseUrl,
        ...extra,
      }),
  };
  return context;
}

export const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** The AgentIssue a promise rejects with, failing the test if it resolves or rejects otherwise. */
export async function issueOf(promise: Promise<unknown>): Promise<AgentIssue> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelSourceError);
  return (error as ModelSourceError).issue;
}

/** Every regular file under `dir`, relative to it. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}
