import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AgentDesiredModel, AgentIssue } from "@paddler/protocol";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DownloadProgress } from "./download-progress.js";
import { ModelSourceError } from "./model-source-error.js";
import { type ResolveModelOptions, resolveModelPath } from "./resolve-model-path.js";
import { urlModelCachePath } from "./resolve-url-model.js";
import {
  huggingFaceTestToken,
  startTestModelServer,
  type TestModelServer,
  testModelEtag,
  testModelPath,
} from "./test-model-server.js";

let server: TestModelServer;
let cacheDir: string;

beforeAll(async () => {
  server = await startTestModelServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  cacheDir = await mkdtemp(path.join(tmpdir(), "paddler-model-sources-"));
  server.requests.length = 0;
});
afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

function resolve(model: AgentDesiredModel, extra: Partial<ResolveModelOptions> = {}) {
  return resolveModelPath({
    model,
    cacheDir,
    signal: AbortSignal.timeout(20_000),
    huggingFaceEndpoint: server.baseUrl,
    ...extra,
  });
}

async function issueOf(promise: Promise<unknown>): Promise<AgentIssue> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelSourceError);
  return (error as ModelSourceError).issue;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe("None and LocalToAgent", () => {
  it("resolves None to null without touching the cache", async () => {
    expect(await resolve("None")).toBeNull();
    expect(await filesUnder(cacheDir)).toEqual([]);
  });

  it("returns an existing local file as given", async () => {
    expect(await resolve({ LocalToAgent: testModelPath })).toBe(testModelPath);
  });

  it("reports a missing local file, and a directory, as ModelFileDoesNotExist", async () => {
    const missing = path.join(cacheDir, "nope.gguf");
    expect(await issueOf(resolve({ LocalToAgent: missing }))).toEqual({
      ModelFileDoesNotExist: { model_path: missing },
    });
    expect(await issueOf(resolve({ LocalToAgent: cacheDir }))).toEqual({
      ModelFileDoesNotExist: { model_path: cacheDir },
    });
  });
});

describe("Url", () => {
  it("downloads into downloaded-models/sha256(url)/name with progress, then serves from the cache", async () => {
    const url = `${server.baseUrl}/models/stories260K.gguf`;
    const progress: DownloadProgress[] = [];
    const resolved = await resolve({ Url: { url } }, { onProgress: (p) => progress.push(p) });

    const digest = createHash("sha256").update(url).digest("hex");
    expect(resolved).toBe(path.join(cacheDir, "downloaded-models", digest, "stories260K.gguf"));
    expect(sha256(await readFile(resolved ?? ""))).toBe(sha256(server.model));
    expect(progress[0]).toEqual({
      current: 0,
      total: server.model.length,
      filename: "stories260K.gguf",
      indeterminate: false,
    });
    expect(progress.at(-1)?.current).toBe(server.model.length);
    expect(await filesUnder(cacheDir)).toEqual([path.join("downloaded-models", digest, "stories260K.gguf")]);

    expect(await resolve({ Url: { url } })).toBe(resolved);
    expect(server.requests).toHaveLength(1);
  });

  it("resumes with a Range request after the connection drops mid-body", async () => {
    const url = `${server.baseUrl}/flaky/stories260K.gguf`;
    expect(await issueOf(resolve({ Url: { url } }))).toEqual({ DownloadInterrupted: { model_path: url } });
    const part = `${urlModelCachePath(cacheDir, url)}.part`;
    const kept = (await stat(part)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(server.model.length);

    const progress: DownloadProgress[] = [];
    const resolved = await resolve({ Url: { url } }, { onProgress: (p) => progress.push(p) });
    expect(server.requests.map((r) => [r.range, r.ifRange])).toEqual([
      [undefined, undefined],
      [`bytes=${kept}-`, testModelEtag],
    ]);
    expect(progress[0]?.current).toBe(kept);
    expect(sha256(await readFile(resolved ?? ""))).toBe(sha256(server.model));
    await expect(stat(part)).rejects.toThrow();
  });

  it("starts over when the server answers a Range request with 200", async () => {
    const url = `${server.baseUrl}/no-range/stories260K.gguf`;
    const destination = urlModelCachePath(cacheDir, url);
    await mkdir(path.dirname(destination), { recursive: true });
    await writeFile(`${destination}.part`, "stale bytes that must not survive");

    const resolved = await resolve({ Url: { url } });
    expect(server.requests[0]?.range).toBe("bytes=33-");
    expect(sha256(await readFile(resolved ?? ""))).toBe(sha256(server.model));
  });

  it("starts over when the remote file changed since the part was started (If-Range)", async () => {
    const url = `${server.baseUrl}/models/stories260K.gguf`;
    const destination = urlModelCachePath(cacheDir, url);
    await mkdir(path.dirname(destination), { recursive: true });
    await writeFile(`${destination}.part`, Buffer.alloc(1000, 7));
    await writeFile(`${destination}.part.validator`, '"stories260K-v0"');

    const resolved = await resolve({ Url: { url } });
    expect(server.requests.map((r) => [r.range, r.ifRange])).toEqual([["bytes=1000-", '"stories260K-v0"']]);
    expect(sha256(await readFile(resolved ?? ""))).toBe(sha256(server.model));
    expect(await filesUnder(path.dirname(destination))).toEqual(["stories260K.gguf"]);
  });

  it("starts over when the part is already as long as the remote file (416)", async () => {
    const url = `${server.baseUrl}/models/stories260K.gguf`;
    const destination = urlModelCachePath(cacheDir, url);
    await mkdir(path.dirname(destination), { recursive: true });
    await writeFile(`${destination}.part`, Buffer.alloc(server.model.length + 10));

    const resolved = await resolve({ Url: { url } });
    expect(server.requests.map((r) => r.range)).toEqual([`bytes=${server.model.length + 10}-`, undefined]);
    expect(sha256(await readFile(resolved ?? ""))).toBe(sha256(server.model));
  });

  it("reports indeterminate progress when there is no Content-Length", async () => {
    const url = `${server.baseUrl}/chunked/stories260K.gguf`;
    const progress: DownloadProgress[] = [];
    const resolved = await resolve({ Url: { url } }, { onProgress: (p) => progress.push(p) });
    expect(sha256(await readFile(resolved ?? ""))).toBe(sha256(server.model));
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.every((p) => p.indeterminate && p.total === 0)).toBe(true);
    expect(progress.at(-1)?.current).toBe(server.model.length);
  });

  it.each([
    [404, "ModelDoesNotExistAtUrl"],
    [401, "DownloadServerDeniedAccess"],
    [403, "DownloadServerDeniedAccess"],
    [418, "DownloadServerRejectedRequest"],
    [500, "DownloadServerErrored"],
  ])("maps HTTP %i to %s", async (status, tag) => {
    const url = `${server.baseUrl}/status/${status}.gguf`;
    expect(await issueOf(resolve({ Url: { url } }))).toEqual({ [tag]: { model_path: url } });
  });

  it("reports a body that is not a GGUF as ModelCacheIsCorrupted and keeps nothing", async () => {
    const url = `${server.baseUrl}/not-a-model.gguf`;
    expect(await issueOf(resolve({ Url: { url } }))).toEqual({ ModelCacheIsCorrupted: { model_path: url } });
    expect(await filesUnder(cacheDir)).toEqual([]);
  });

  it("deletes a corrupted cached file so the next try downloads it again", async () => {
    const url = `${server.baseUrl}/models/stories260K.gguf`;
    const destination = urlModelCachePath(cacheDir, url);
    await mkdir(path.dirname(destination), { recursive: true });
    await writeFile(destination, "not a gguf");

    expect(await issueOf(resolve({ Url: { url } }))).toEqual({ ModelCacheIsCorrupted: { model_path: url } });
    await expect(stat(destination)).rejects.toThrow();
    expect(sha256(await readFile((await resolve({ Url: { url } })) ?? ""))).toBe(sha256(server.model));
  });

  it("reports a closed port as DownloadServerIsUnreachable", async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((done) => closed.close(() => done()));

    const url = `http://127.0.0.1:${port}/model.gguf`;
    expect(await issueOf(resolve({ Url: { url } }))).toEqual({
      DownloadServerIsUnreachable: { model_path: url },
    });
  });

  it.each(["not a url", "ftp://127.0.0.1/model.gguf"])(
    "reports %s as DownloadUrlIsMalformed",
    async (url) => {
      expect(await issueOf(resolve({ Url: { url } }))).toEqual({
        DownloadUrlIsMalformed: { model_path: url },
      });
      expect(server.requests).toEqual([]);
    },
  );

  it("reports a full disk as CacheStorageIsFull", async () => {
    const url = `${server.baseUrl}/models/stories260K.gguf`;
    const destination = urlModelCachePath(cacheDir, url);
    await mkdir(path.dirname(destination), { recursive: true });
    // /dev/full fails every write with ENOSPC: a real full disk without filling one.
    await symlink("/dev/full", `${destination}.part`);
    expect(await issueOf(resolve({ Url: { url } }))).toEqual({ CacheStorageIsFull: { model_path: url } });
  });

  it("reports a cache directory that cannot be created as CacheDirectoryIsNotWritable", async () => {
    const url = `${server.baseUrl}/models/stories260K.gguf`;
    // A file where the cache directory should be: mkdir fails the way it does without permission.
    const blocked = path.join(cacheDir, "blocked");
    await writeFile(blocked, "");
    expect(await issueOf(resolve({ Url: { url } }, { cacheDir: blocked }))).toEqual({
      CacheDirectoryIsNotWritable: { model_path: url },
    });
  });

  it("reports CacheCannotAcquireLock while another agent holds the lock", async () => {
    const url = `${server.baseUrl}/models/stories260K.gguf`;
    const destination = urlModelCachePath(cacheDir, url);
    await mkdir(path.dirname(destination), { recursive: true });
    await writeFile(
      `${destination}.lock`,
      JSON.stringify({ pid: process.pid, hostname: "another-host", token: "theirs" }),
    );

    expect(await issueOf(resolve({ Url: { url } }))).toEqual({ CacheCannotAcquireLock: { model_path: url } });
    expect(server.requests).toEqual([]);
    expect(JSON.parse(await readFile(`${destination}.lock`, "utf8")).token).toBe("theirs");
  });

  it("lets only one of two concurrent downloads of the same URL hold the lock", async () => {
    const url = `${server.baseUrl}/models/stories260K.gguf`;
    const results = await Promise.allSettled([resolve({ Url: { url } }), resolve({ Url: { url } })]);
    const fulfilled = results.filter((r) => r.status === "fulfilled");
    expect(fulfilled.length).toBeGreaterThanOrEqual(1);
    for (const result of results) {
      if (result.status === "rejected") {
        expect((result.reason as ModelSourceError).issue).toEqual({
          CacheCannotAcquireLock: { model_path: url },
        });
      }
    }
    // The loser either finds the lock busy or, if it comes late, the finished file: one download either way.
    expect(server.requests).toHaveLength(1);
  });

  it("stops on abort, keeps the part and the lock is released", async () => {
    const url = `${server.baseUrl}/stall/stories260K.gguf`;
    const controller = new AbortController();
    const pending = resolve({ Url: { url } }, { signal: controller.signal });
    await server.stalled;
    const destination = urlModelCachePath(cacheDir, url);
    // Wait until the first half has reached the part file before aborting.
    await expect
      .poll(async () => (await stat(`${destination}.part`).catch(() => undefined))?.size ?? 0)
      .toBe(Math.floor(server.model.length / 2));
    controller.abort(new Error("shutting down"));
    await expect(pending).rejects.toThrow("shutting down");
    expect((await stat(`${destination}.part`)).size).toBe(Math.floor(server.model.length / 2));
    await expect(stat(`${destination}.lock`)).rejects.toThrow();
  });
});

describe("HuggingFace", () => {
  const reference = { repo_id: "owner/repo", revision: "main", filename: "stories260K.gguf" };

  it("downloads {endpoint}/{repo}/resolve/{revision}/{file} into huggingface/{repo}/{revision}/{file}", async () => {
    const progress: DownloadProgress[] = [];
    const resolved = await resolve({ HuggingFace: reference }, { onProgress: (p) => progress.push(p) });
    expect(resolved).toBe(path.join(cacheDir, "huggingface", "owner", "repo", "main", "stories260K.gguf"));
    expect(sha256(await readFile(resolved ?? ""))).toBe(sha256(server.model));
    expect(server.requests).toEqual([
      {
        path: "/owner/repo/resolve/main/stories260K.gguf",
        range: undefined,
        ifRange: undefined,
        authorization: undefined,
      },
    ]);
    expect(progress.at(-1)).toEqual({
      current: server.model.length,
      total: server.model.length,
      filename: "stories260K.gguf",
      indeterminate: false,
    });
  });

  it("sends the token as a Bearer header", async () => {
    const gated = { ...reference, repo_id: "owner/gated" };
    const resolved = await resolve({ HuggingFace: gated }, { huggingFaceToken: huggingFaceTestToken });
    expect(sha256(await readFile(resolved ?? ""))).toBe(sha256(server.model));
    expect(server.requests[0]?.authorization).toBe(`Bearer ${huggingFaceTestToken}`);
  });

  it("maps 401 and 403 to HuggingFacePermissions and 404 to HuggingFaceModelDoesNotExist", async () => {
    const gated = { ...reference, repo_id: "owner/gated" };
    const modelPath = "owner/gated/stories260K.gguf";
    expect(await issueOf(resolve({ HuggingFace: gated }))).toEqual({
      HuggingFacePermissions: { model_path: modelPath },
    });
    expect(await issueOf(resolve({ HuggingFace: gated }, { huggingFaceToken: "wrong" }))).toEqual({
      HuggingFacePermissions: { model_path: modelPath },
    });
    expect(await issueOf(resolve({ HuggingFace: { ...reference, filename: "missing.gguf" } }))).toEqual({
      HuggingFaceModelDoesNotExist: { model_path: "owner/repo/missing.gguf" },
    });
  });

  it("reports a busy lock with its path", async () => {
    const destination = path.join(cacheDir, "huggingface", "owner", "repo", "main", "stories260K.gguf");
    await mkdir(path.dirname(destination), { recursive: true });
    await writeFile(`${destination}.lock`, JSON.stringify({ pid: process.pid, hostname: "x", token: "t" }));
    expect(await issueOf(resolve({ HuggingFace: reference }))).toEqual({
      HuggingFaceCannotAcquireLock: {
        lock_path: `${destination}.lock`,
        model_path: "owner/repo/stories260K.gguf",
      },
    });
  });

  it("refuses names that would leave the cache directory", async () => {
    expect(await issueOf(resolve({ HuggingFace: { ...reference, filename: "../../escape.gguf" } }))).toEqual({
      DownloadUrlIsMalformed: { model_path: "owner/repo/../../escape.gguf" },
    });
    expect(server.requests).toEqual([]);
  });
});
