import { modelPathIssueTags } from "@paddler/protocol";
import { describe, expect, it } from "vitest";
import { issueGuidance } from "./issue-guidance.js";

describe("issueGuidance", () => {
  it("explains every issue an agent can report, with an action", () => {
    for (const tag of [
      ...modelPathIssueTags,
      "ChatTemplateDoesNotCompile",
      "HuggingFaceCannotAcquireLock",
      "SlotCannotStart",
    ]) {
      const guidance = issueGuidance(tag);
      expect(guidance.meaning, tag).not.toBe("An issue this panel does not know.");
      expect(guidance.action.length, tag).toBeGreaterThan(10);
    }
  });

  it("sends a missing model file to the model page, a cache lock to the machine", () => {
    expect(issueGuidance("ModelFileDoesNotExist").modelPageFixes).toBe(true);
    expect(issueGuidance("CacheCannotAcquireLock").modelPageFixes).toBe(false);
  });
});
