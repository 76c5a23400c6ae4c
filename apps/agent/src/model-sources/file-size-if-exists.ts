import { stat } from "node:fs/promises";
import { failureFromFsError } from "./classify-download-error.js";

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && "code" in error && error.code === code;
}

/** The size of a regular file, or undefined when there is none; other errors are cache failures. */
export async function fileSizeIfExists(filePath: string): Promise<number | undefined> {
  try {
    const info = await stat(filePath);
    return info.isFile() ? info.size : undefined;
  } catch (error) {
    // ENOTDIR: a path component is a file, so nothing is cached there (mkdir reports the real problem).
    if (isErrno(error, "ENOENT") || isErrno(error, "ENOTDIR")) return undefined;
    throw failureFromFsError(error, filePath);
  }
}
