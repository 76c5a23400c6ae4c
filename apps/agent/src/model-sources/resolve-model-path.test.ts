import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { DownloadProgress } from "./download-progress.js";
import { filesUnder, issueOf, sha256, useModelSourceTestContext } from "./model-source-test-context.js";
import { huggingFaceTestToken, testModelPath } from "./test-model-server.js";

const t = useModelSourceTestContext();

describe("None and LocalToAgent", () => {
  it("resolves None to null without touching the cache", async () => {
    expect(await t.resolve("None")).toBeNull();
    expect(await filesUnder(t.cacheDir)).toEqual([]);
  });

  it("returns an existing local file as given", async () => {
    expect(await t.resolve({ LocalToAgent: testModelPath })).toBe(testModelPath);
  });

  it("reports a missing local file, and a directory, as ModelFileDoesNotExist", async () => {
    const missing = path.join(t.cacheDir, "nope.gguf");
    expect(await issueOf(t.resolve({ LocalToAgent: missing }))).toEqual({
      ModelFileDoesNotExist: { model_path: missing },
    });
    expect(await issueOf(t.resolve({ LocalToAgent: t.cacheDir }))).toEqual({
      ModelFileDoesNotExist: { model_path: t.cacheDir },
    });
  });
});

describe("HuggingFace", () => {
  const reference = { repo_id: "owner/repo", revision: "main", filename: "stories260K.gguf" };

  it("downloads {endpoint}/{repo}/resolve/{revision}/{file} into huggingface/{repo}/{revision}/{file}", async () => {
    const progress: DownloadProgress[] = [];
    const resolved = await t.resolve({ HuggingFace: reference }, { onProgress: (p) => progress.push(p) });
    expect(resolved).toBe(path.join(t.cacheDir, "huggingface", "owner", "repo", "main", "stories260K.gguf"));
    expect(sha256(await readFile(resolved ?? ""))).toBe(sha256(t.server.model));
    expect(t.server.requests).toEqual([
      {
        path: "/owner/repo/resolve/main/stories260K.gguf",
        range: undefined,
        ifRange: undefined,
        authorization: undefined,
      },
    ]);
    expect(progress.at(-1)).toEqual({
      current: t.server.model.length,
      total: t.server.model.length,
      filename: "stories260K.gguf",
      indeterminate: false,
    });
  });

  it("sends a revision with slashes as one URL segment and caches it as nested directories", async () => {
    const resolved = await t.resolve({ HuggingFace: { ...reference, revision: "refs/pr/1" } });
    expect(t.server.requests[0]?.path).toBe("/owner/repo/resolve/refs%2Fpr%2F1/stories260K.gguf");
    expect(resolved).toBe(
      path.join(t.cacheDir, "huggingface", "owner", "repo", "refs", "pr", "1", "stories260K.gguf"),
    );
  });

  it("sends the token as a Bearer header", async () => {
    const gated = { ...reference, repo_id: "owner/gated" };
    const resolved = await t.resolve({ HuggingFace: gated }, { huggingFaceToken: huggingFaceTestToken });
    expect(sha256(await readFile(resolved ?? ""))).toBe(sha256(t.server.model));
    expect(t.server.requests[0]?.authorization).toBe(`Bearer ${huggingFaceTestToken}`);
  });

  it("maps 401 and 403 to HuggingFacePermissions and 404 to HuggingFaceModelDoesNotExist", async () => {
    const gated = { ...reference, repo_id: "owner/gated" };
    const modelPath = "owner/gated/stories260K.gguf";
    expect(await issueOf(t.resolve({ HuggingFace: gated }))).toEqual({
      HuggingFacePermissions: { model_path: modelPath },
    });
    expect(await issueOf(t.resolve({ HuggingFace: gated }, { huggingFaceToken: "wrong" }))).toEqual({
      HuggingFacePermissions: { model_path: modelPath },
    });
    expect(await issueOf(t.resolve({ HuggingFace: { ...reference, filename: "missing.gguf" } }))).toEqual({
      HuggingFaceModelDoesNotExist: { model_path: "owner/repo/missing.gguf" },
    });
  });

  it("reports a busy lock with its path", async () => {
    const destination = path.join(t.cacheDir, "huggingface", "owner", "repo", "main", "stories260K.gguf");
    await mkdir(path.dirname(destination), { recursive: true });
    await writeFile(`${destination}.lock`, JSON.stringify({ pid: process.pid, hostname: "x", token: "t" }));
    expect(await issueOf(t.resolve({ HuggingFace: reference }))).toEqual({
      HuggingFaceCannotAcquireLock: {
        lock_path: `${destination}.lock`,
        model_path: { model_path: "owner/repo/stories260K.gguf" },
      },
    });
  });

  it("refuses names that would leave the cache directory", async () => {
    expect(
      await issueOf(t.resolve({ HuggingFace: { ...reference, filename: "../../escape.gguf" } })),
    ).toEqual({
      DownloadUrlIsMalformed: { model_path: "owner/repo/../../escape.gguf" },
    });
    expect(t.server.requests).toEqual([]);
  });
});
