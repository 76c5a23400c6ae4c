import { PaddlerError } from "@paddler/client";
import { defaultFleetSettings, fleetSettingsSchema } from "@paddler/protocol";
import { describe, expect, it } from "vitest";
import {
  applyRoutingDraft,
  describeProblem,
  draftProblems,
  moveRow,
  routingDraftOf,
  savingProblems,
} from "./routing-draft.js";

const stored = {
  ...defaultFleetSettings,
  aliases: { "gpt-4o-mini": "chat", ada: "embed" },
  rules: [{ pattern: "text-embedding-.*", pool: "embed" }],
  fallback_pool: null,
  pool_policies: { chat: "sticky" as const },
  agent_pools: { "box-1": "chat" },
};

describe("routing draft", () => {
  it("round-trips the stored settings and keeps policies and agent moves it does not edit", () => {
    const draft = routingDraftOf(stored);
    expect(draft.aliases.map((alias) => alias.name)).toEqual(["ada", "gpt-4o-mini"]);
    const edited = {
      ...draft,
      fallback: "chat",
      rules: [...draft.rules, { pattern: "llama-.*", pool: "chat" }],
    };
    const later = { ...stored, pool_policies: { chat: "prefix_affinity" as const } };
    expect(applyRoutingDraft(later, edited)).toEqual({
      ...later,
      rules: [...stored.rules, { pattern: "llama-.*", pool: "chat" }],
      fallback_pool: "chat",
    });
  });

  it("moves a rule up and down and leaves the ends alone", () => {
    expect(moveRow(["a", "b", "c"], 2, -1)).toEqual(["a", "c", "b"]);
    expect(moveRow(["a", "b", "c"], 0, 1)).toEqual(["b", "a", "c"]);
    expect(moveRow(["a", "b", "c"], 0, -1)).toEqual(["a", "b", "c"]);
    expect(moveRow(["a", "b", "c"], 2, 1)).toEqual(["a", "b", "c"]);
  });

  it("refuses empty and repeated alias names before sending", () => {
    const draft = {
      aliases: [
        { name: "x", pool: "chat" },
        { name: " x ", pool: "embed" },
        { name: "", pool: "chat" },
      ],
      rules: [],
      fallback: "",
    };
    expect(draftProblems(draft).map((problem) => describeProblem(problem, draft))).toEqual([
      "Alias 'x' appears more than once",
      "Alias 3 an alias needs a model name",
    ]);
  });

  it("names the rule of a bad regex, from the balancer's 400 body or the client's own check", () => {
    const draft = {
      aliases: [],
      rules: [
        { pattern: "ok-.*", pool: "chat" },
        { pattern: "[oops", pool: "chat" },
      ],
      fallback: "",
    };
    const fromApi = new PaddlerError({
      code: "http_error",
      status: 400,
      message: "400 Bad Request",
      body: {
        error: {
          code: "invalid_request",
          issues: [{ field: "rules.1.pattern", reason: "not a valid regular expression: x" }],
        },
      },
    });
    expect(savingProblems(fromApi).map((problem) => describeProblem(problem, draft))).toEqual([
      "Rule 2 ([oops) not a valid regular expression: x",
    ]);
    const parsed = fleetSettingsSchema.safeParse(applyRoutingDraft(defaultFleetSettings, draft));
    expect(parsed.success).toBe(false);
    const fromClient = new PaddlerError({ code: "invalid_request", message: "Invalid", cause: parsed.error });
    expect(savingProblems(fromClient).map((problem) => describeProblem(problem, draft))[0]).toMatch(
      /^Rule 2 \(\[oops\) not a valid regular expression/,
    );
  });
});
