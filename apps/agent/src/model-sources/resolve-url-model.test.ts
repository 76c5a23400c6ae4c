import { createHash } from "node:crypto";
import { mkdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { DownloadProgress } from "./download-progress.js";
import type { ModelSourceError } from "./model-source-error.js";
import { filesUnder, issueOf, sha256, useModelSourceTestContext } from "./model-source-test-context.js";
import { urlModelCachePath } from "./resolve-url-model.js";
import { testModelEtag } from "./test-model-server.js";

const t = useModelSourceTestContext();

describe("Url", () => {
  it("downloads into downloaded-models/sha256(url)/name with progress, then serves from the cache", async () => {
    const url = `${t.server.baseUrl}/models/stories260K.gguf`;
    const progress: DownloadProgress[] = [];
    const resolved = await t.resolve({ Url: { url } }, { onProgress: (p) => progress.push(p) });

    const digest = createHash("sha256").update(url).digest("hex");
    expect(resolved).toBe(path.join(t.cacheDir, "downloaded-models", digest, "stories260K.gguf"));
    expect(sha256(await readFile(resolved ?? ""))).toBe(sha256(t.server.model));
    expect(progress[0]).toEqual({
      current: 0,
      total: t.server.model.length,
      filename: "stories260K.gguf",
      indeterminate: false,
    });
    expect(progress.at(-1)?.current).toBe(t.server.model.length);
    expect(await filesUnder(t.cacheDir)).toEqual([
      path.join("downloaded-models", digest, "stories260K.gguf"),
    ]);

    expect(await t.resolve({ Url: { url } })).toBe(resolved);
    expect(t.server.requests).toHaveLength(1);
  });

  it("resumes with a Range request after the connection drops mid-body", async () => {
    const url = `${t.server.baseUrl}/flaky/stories260K.gguf`;
    expect(await issueOf(t.resolve({ Url: { url } }))).toEqual({ DownloadInterrupted: { model_path: url } });
    const part = `${urlModelCachePath(t.cacheDir, url)}.part`;
    const kept = (await stat(part)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(t.server.model.length);

    const progress: DownloadProgress[] = [];
    const resolved = await t.resolve({ Url: { url } }, { onProgress: (p) => progress.push(p) });
    expect(t.server.requests.map((r) => [r.range, r.ifRange])).toEqual([
      [undefined, undefined],
      [`bytes=${kept}-`, testModelEtag],
    ]);
    expect(progress[0]?.current).toBe(kept);
    expect(sha256(await readFile(resolved ?? ""))).toBe(sha256(t.server.model));
    await expect(stat(part)).rejects.toThrow();
  });

  it("starts over when the server answers a Range request with 200", async () => {
    const url = `${t.server.baseUrl}/no-range/stories260K.gguf`;
    const destination = urlModelCachePath(t.cacheDir, url);
    await mkdir(path.dirname(destination), { recursive: true });
    await writeFile(`${destination}.part`, "stale bytes that must not survive");

    const resolved = await t.resolve({ Url: { url } });
    expect(t.server.requests[0]?.range).toBe("bytes=33-");
    expect(sha256(await readFile(resolved ?? ""))).toBe(sha256(t.server.model));
  });

  it("starts over when the remote file changed since the part was started (If-Range)", async () => {
    const url = `${t.server.baseUrl}/models/stories260K.gguf`;
    const destination = urlModelCachePath(t.cacheDir, url);
    await mkdir(path.dirname(destination), { recursive: true });
    await writeFile(`${destination}.part`, Buffer.alloc(1000, 7));
    await writeFile(`${destination}.part.validator`, '"stories260K-v0"');

    const resolved = await t.resolve({ Url: { url } });
    expect(t.server.requests.map((r) => [r.range, r.ifRange])).toEqual([["bytes=1000-", '"stories260K-v0"']]);
    expect(sha256(await readFile(resolved ?? ""))).toBe(sha256(t.server.model));
    expect(await filesUnder(path.dirname(destination))).toEqual(["stories260K.gguf"]);
  });

  it("starts over when the part is already as long as the remote file (416)", async () => {
    const url = `${t.server.baseUrl}/models/stories260K.gguf`;
    const destination = urlModelCachePath(t.cacheDir, url);
    await mkdir(path.dirname(destination), { recursive: true });
    await writeFile(`${destination}.part`, Buffer.alloc(t.server.model.length + 10));

    const resolved = await t.resolve({ Url: { url } });
    expect(t.server.requests.map((r) => r.range)).toEqual([
      `bytes=${t.server.model.length + 10}-`,
      undefined,
    ]);
    expect(sha256(await readFile(resolved ?? ""))).toBe(sha256(t.server.model));
  });

  it("reports indeterminate progress when there is no Content-Length", async () => {
    const url = `${t.server.baseUrl}/chunked/stories260K.gguf`;
    const progress: DownloadProgress[] = [];
    const resolved = await t.resolve({ Url: { url } }, { onProgress: (p) => progress.push(p) });
    expect(sha256(await readFile(resolved ?? ""))).toBe(sha256(t.server.model));
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.every((p) => p.indeterminate && p.total === 0)).toBe(true);
    expect(progress.at(-1)?.current).toBe(t.server.model.length);
  });

  it.each([
    [404, "ModelDoesNotExistAtUrl"],
    [401, "DownloadServerDeniedAccess"],
    [403, "DownloadServerDeniedAccess"],
    [418, "DownloadServerRejectedRequest"],
    [500, "DownloadServerErrored"],
  ])("maps HTTP %i to %s", async (status, tag) => {
    const url = `${t.server.baseUrl}/status/${status}.gguf`;
    expect(await issueOf(t.resolve({ Url: { url } }))).toEqual({ [tag]: { model_path: url } });
  });

  it("reports a body that is not a GGUF as ModelCacheIsCorrupted and keeps nothing", async () => {
    const url = `${t.server.baseUrl}/not-a-model.gguf`;
    expect(await issueOf(t.resolve({ Url: { url } }))).toEqual({
      ModelCacheIsCorrupted: { model_path: url },
    });
    expect(await filesUnder(t.cacheDir)).toEqual([]);
  });

  it("deletes a corrupted cached file so the next try downloads it again", async () => {
    const url = `${t.server.baseUrl}/models/stories260K.gguf`;
    const destination = urlModelCachePath(t.cacheDir, url);
    await mkdir(path.dirname(destination), { recursive: true });
    await writeFile(destination, "not a gguf");

    expect(await issueOf(t.resolve({ Url: { url } }))).toEqual({
      ModelCacheIsCorrupted: { model_path: url },
    });
    await expect(stat(destination)).rejects.toThrow();
    expect(sha256(await readFile((await t.resolve({ Url: { url } })) ?? ""))).toBe(sha256(t.server.model));
  });

  it("reports a closed port as DownloadServerIsUnreachable", async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((done) => closed.close(() => done()));

    const url = `http://127.0.0.1:${port}/model.gguf`;
    expect(await issueOf(t.resolve({ Url: { url } }))).toEqual({
      DownloadServerIsUnreachable: { model_path: url },
    });
  });

  it.each(["not a url", "ftp://127.0.0.1/model.gguf"])(
    "reports %s as DownloadUrlIsMalformed",
    async (url) => {
      expect(await issueOf(t.resolve({ Url: { url } }))).toEqual({
        DownloadUrlIsMalformed: { model_path: url },
      });
      expect(t.server.requests).toEqual([]);
    },
  );

  it("reports a full disk as CacheStorageIsFull", async () => {
    const url = `${t.server.baseUrl}/models/stories260K.gguf`;
    const destination = urlModelCachePath(t.cacheDir, url);
    await mkdir(path.dirname(destination), { recursive: true });
    // /dev/full fails every write with ENOSPC: a real full disk without filling one.
    await symlink("/dev/full", `${destination}.part`);
    expect(await issueOf(t.resolve({ Url: { url } }))).toEqual({ CacheStorageIsFull: { model_path: url } });
  });

  it("reports a cache directory that cannot be created as CacheDirectoryIsNotWritable", async () => {
    const url = `${t.server.baseUrl}/models/stories260K.gguf`;
    // A file where the cache directory should be: mkdir fails the way it does without permission.
    const blocked = path.join(t.cacheDir, "blocked");
    await writeFile(blocked, "");
    expect(await issueOf(t.resolve({ Url: { url } }, { cacheDir: blocked }))).toEqual({
      CacheDirectoryIsNotWritable: { model_path: url },
    });
  });

  it("reports CacheCannotAcquireLock while another agent holds the lock", async () => {
    const url = `${t.server.baseUrl}/models/stories260K.gguf`;
    const destination = urlModelCachePath(t.cacheDir, url);
    await mkdir(path.dirname(destination), { recursive: true });
    await writeFile(
      `${destination}.lock`,
      JSON.stringify({ pid: process.pid, hostname: "another-host", token: "theirs" }),
    );

    expect(await issueOf(t.resolve({ Url: { url } }))).toEqual({
      CacheCannotAcquireLock: { model_path: url },
    });
    expect(t.server.requests).toEqual([]);
    expect(JSON.parse(await readFile(`${destination}.lock`, "utf8")).token).toBe("theirs");
  });

  it("lets only one of two concurrent downloads of the same URL hold the lock", async () => {
    const url = `${t.server.baseUrl}/models/stories260K.gguf`;
    const results = await Promise.allSettled([t.resolve({ Url: { url } }), t.resolve({ Url: { url } })]);
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
    expect(t.server.requests).toHaveLength(1);
  });

  it("stops on abort, keeps the part and the lock is released", async () => {
    const url = `${t.server.baseUrl}/stall/stories260K.gguf`;
    const controller = new AbortController();
    const pending = t.resolve({ Url: { url } }, { signal: controller.signal });
    await t.server.stalled;
    const destination = urlModelCachePath(t.cacheDir, url);
    // Wait until the first half has reached the part file before aborting.
    await expect
      .poll(async () => (await stat(`${destination}.part`).catch(() => undefined))?.size ?? 0)
      .toBe(Math.floor(t.server.model.length / 2));
    controller.abort(new Error("shutting down"));
    await expect(pending).rejects.toThrow("shutting down");
    expect((await stat(`${destination}.part`)).size).toBe(Math.floor(t.server.model.length / 2));
    await expect(stat(`${destination}.lock`)).rejects.toThrow();
  });
});
