import { describe, expect, it } from "vitest";
import { failureFromFsError, failureFromStatus } from "./classify-download-error.js";

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

describe("failureFromStatus", () => {
  it.each([
    [404, "not_found"],
    [410, "not_found"],
    [401, "denied"],
    [403, "denied"],
    [400, "rejected"],
    [429, "rejected"],
    [304, "rejected"],
    [500, "server_errored"],
    [503, "server_errored"],
  ])("%i is %s", (status, reason) => {
    expect(failureFromStatus(status, "http://x/m.gguf").code).toBe(reason);
  });
});

describe("failureFromFsError", () => {
  it.each([
    ["ENOSPC", "storage_full"],
    ["EDQUOT", "storage_full"],
    ["EACCES", "not_writable"],
    ["EPERM", "not_writable"],
    ["EROFS", "not_writable"],
    ["ENOTDIR", "not_writable"],
  ])("%s is %s and keeps the cause", (code, reason) => {
    const cause = errno(code);
    const failure = failureFromFsError(cause, "/cache/x.part");
    expect(failure.code).toBe(reason);
    expect(failure.cause).toBe(cause);
  });
});
