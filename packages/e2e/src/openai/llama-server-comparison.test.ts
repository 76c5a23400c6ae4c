import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findLlamaServerBinary } from "@paddler/agent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LlamaServerProcess, startLlamaServerProcess } from "../engines/llama-server-process.js";
import { testDesiredState } from "../test-cluster.js";
import { repoRoot, simpleChatTemplate, testModelPath } from "../test-model.js";
import { type ComparisonCase, comparisonCases, type Mode } from "./llama-server-comparison-cases.js";
import { type OpenAITestCluster, startOpenAICluster } from "./openai-cluster.js";
import { describeOutcome, type Outcome, sendComparisonCase } from "./send-comparison-case.js";

// The same requests, unchanged, to llama-server itself and to the balancer's OpenAI service with a
// built-in agent, both with two slots of 1024 tokens on the test model (issue 13). Set
// PADDLER_COMPARISON_TABLE=path to write the Markdown table there (docs/openai-compat-vs-llama-server.md).
const binary = await findLlamaServerBinary(repoRoot);
const available = binary !== null || process.env.CI === "true";

const forcedTool = {
  why: "ours forces the call with a grammar, and it is not also content",
  expectOurs: (outcome: Outcome) => {
    expect(outcome.status).toBe(200);
    expect(outcome.finishReason).toBe("tool_calls");
    expect(outcome.observed).toBe("calls [get_weather], content empty");
  },
};

/**
 * Where we answer on purpose otherwise than llama-server, what we answer, and why. Every other
 * case only has to be accepted by us wherever llama-server accepts it.
 */
const deliberate: Record<string, { why: string; expectOurs: (outcome: Outcome) => void }> = {
  'wrong type of a used key (`temperature: "hot"`)': {
    why: "both refuse; ours names the field",
    expectOurs: (outcome) => {
      expect(outcome.status).toBe(400);
      expect(outcome.param).toBe("temperature");
    },
  },
  '`tool_choice: "required"`': forcedTool,
  "`tool_choice` naming a function": forcedTool,
  "`parallel_tool_calls: false`": forcedTool,
  "prompt longer than the context": {
    // The SDKs know OpenAI's code and do not retry it; llama-server's own type means nothing to them.
    why: "both 400 before generating; ours with OpenAI's `context_length_exceeded` code, which SDKs do not retry",
    expectOurs: (outcome) => {
      expect(outcome.status).toBe(400);
      expect(outcome.error).toBe("invalid_request_error/context_length_exceeded");
    },
  },
  "`json_schema` with minimum/maximum/pattern": {
    why: "ours honours the bounds and the pattern",
    expectOurs: (outcome) => {
      expect(outcome.status).toBe(200);
      expect(outcome.observed).toBe("JSON within the schema");
    },
  },
  'uncompilable schema (`type: "integr"`)': {
    why: "both 400; ours names the schema path",
    expectOurs: (outcome) => {
      expect(outcome.status).toBe(400);
      expect(outcome.param).toBe("response_format.json_schema.schema.properties.a.type");
    },
  },
  "embeddings on a server that only generates": {
    // Issue 13: a request the cluster can never serve in its current mode is not a retryable 5xx.
    why: "ours 400 `embeddings_disabled`, not a 5xx that clients would retry",
    expectOurs: (outcome) => {
      expect(outcome.status).toBe(400);
      expect(outcome.error).toBe("invalid_request_error/embeddings_disabled");
    },
  },
  "5 requests at once on 2 slots (overflow)": {
    // The balancer sheds load past --max-buffered-requests (1 here) instead of queueing without
    // bound as llama-server does; Retry-After tells the SDKs when to come back.
    why: "ours sheds what exceeds the slots and the buffer (1 here) with 503 and `Retry-After`; llama-server queues all",
    expectOurs: (outcome) => {
      // Two run, one waits; which of the rest arrive before a slot frees up depends on timing.
      expect(outcome.statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(3);
      expect(outcome.statuses.every((status) => status === 200 || status === 503)).toBe(true);
      expect(outcome.status).toBe(503);
      expect(outcome.retryAfter).toBe("1");
    },
  },
};

describe.runIf(available)("the OpenAI service against llama-server on the same requests", () => {
  let directory: string;
  const llama: Partial<Record<Mode, LlamaServerProcess>> = {};
  const ours: Partial<Record<Mode, OpenAITestCluster>> = {};
  const rows: { testCase: ComparisonCase; theirs: Outcome; ours: Outcome }[] = [];

  beforeAll(async () => {
    if (!binary) throw new Error("no llama-server: run scripts/build-llama-server.sh");
    directory = await mkdtemp(join(tmpdir(), "paddler-comparison-"));
    // stories260K has no chat template; llama-server gets the one the cluster uses.
    const template = join(directory, "template.jinja");
    await writeFile(template, simpleChatTemplate);
    const base = testDesiredState();
    [llama.generation, llama.embeddings, ours.generation, ours.embeddings] = await Promise.all([
      startLlamaServerProcess({
        binary,
        modelPath: testModelPath,
        slots: 2,
        extraArgs: ["--jinja", "--chat-template-file", template],
      }),
      startLlamaServerProcess({
        binary,
        modelPath: testModelPath,
        slots: 2,
        extraArgs: ["--embeddings", "--pooling", "mean"],
      }),
      // One buffered request at most, so that the overflow case overflows.
      startOpenAICluster({ balancer: { maxBufferedRequests: 1 } }),
      startOpenAICluster({
        desiredState: {
          ...base,
          inference_parameters: { ...base.inference_parameters, enable_embeddings: true },
        },
      }),
    ]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([ours.generation?.cluster.close(), ours.embeddings?.cluster.close()]);
    await Promise.all([llama.generation?.kill(), llama.embeddings?.kill()]);
    if (directory) await rm(directory, { recursive: true, force: true });
    const table = [
      "| request | llama-server | ours | note |",
      "| --- | --- | --- | --- |",
      ...rows.map(({ testCase, theirs, ours }) =>
        [
          "",
          testCase.name,
          describeOutcome(theirs),
          describeOutcome(ours),
          [testCase.note, deliberate[testCase.name]?.why].filter(Boolean).join("; "),
          "",
        ]
          .join(" | ")
          .trim(),
      ),
    ].join("\n");
    console.log(table);
    const target = process.env.PADDLER_COMPARISON_TABLE;
    if (target) await writeFile(target, `${table}\n`);
  });

  for (const testCase of comparisonCases) {
    it(testCase.name, async () => {
      const mode = testCase.mode ?? "generation";
      const theirs = await sendComparisonCase(`${llama[mode]?.rootUrl}/v1`, testCase);
      const answer = await sendComparisonCase(`${ours[mode]?.baseUrl}`, testCase);
      rows.push({ testCase, theirs, ours: answer });
      expect(answer.shapeOk).toBe(true);
      const exception = deliberate[testCase.name];
      if (exception) {
        exception.expectOurs(answer);
        return;
      }
      if (theirs.statuses.every((status) => status < 300))
        expect(answer.statuses.every((status) => status < 300)).toBe(true);
    });
  }
});
