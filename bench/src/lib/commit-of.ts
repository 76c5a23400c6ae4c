import { execFileSync } from "node:child_process";

/** `abc1234 subject` of a checkout's HEAD (the subject cut short), or "unknown" outside git. */
export function commitOf(root: string): string {
  try {
    const line = execFileSync("git", ["-C", root, "log", "-1", "--format=%h %s"], {
      encoding: "utf8",
    }).trim();
    return line.length > 100 ? `${line.slice(0, 99)}…` : line;
  } catch {
    return "unknown";
  }
}
