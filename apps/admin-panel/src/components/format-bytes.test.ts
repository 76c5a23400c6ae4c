import { describe, expect, it } from "vitest";
import { formatBytes } from "./format-bytes.js";

describe("formatBytes", () => {
  it("uses binary units with few digits", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(16 * 1024 ** 3)).toBe("16 GiB");
    expect(formatBytes(143771 * 1024 ** 2)).toBe("140 GiB");
    expect(formatBytes(1.25 * 1024 ** 3)).toBe("1.3 GiB");
    expect(formatBytes(2 * 1024 ** 5)).toBe("2048 TiB");
  });
});
