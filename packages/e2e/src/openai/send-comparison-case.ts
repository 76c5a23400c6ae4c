import { z } from "zod";
import type { ComparisonCase, Endpoint } from "./llama-server-comparison-cases.js";

/** What one server answered to one case, as the comparison table shows it. */
export interface Outcome {
  status: number;
  /** `type/code` of an error answer, "" otherwise. */
  error: string;
  /** The field an error names (OpenAI's `param`), "" where none. */
  param: string;
  finishReason: string;
  /** Whether the body has OpenAI's shape for this endpoint (an error: OpenAI's error shape). */
  shapeOk: boolean;
  observed: string;
  retryAfter: string | null;
  /** Every status of a concurrent case, in the order sent. */
  statuses: number[];
}

const choiceFinish = z.object({ index: z.number(), finish_reason: z.string().nullable().optional() });
const usage = z.object({ prompt_tokens: z.number(), completion_tokens: z.number() });
const shapes: Record<Endpoint, { whole: z.ZodType; chunk: z.ZodType }> = {
  "/chat/completions": {
    whole: z.object({
      object: z.literal("chat.completion"),
      choices: z.array(choiceFinish.extend({ message: z.object({ role: z.literal("assistant") }) })).min(1),
      usage,
    }),
    chunk: z.object({ object: z.literal("chat.completion.chunk"), choices: z.array(choiceFinish) }),
  },
  "/completions": {
    whole: z.object({
      object: z.literal("text_completion"),
      choices: z.array(choiceFinish.extend({ text: z.string() })).min(1),
      usage,
    }),
    chunk: z.object({ object: z.literal("text_completion"), choices: z.array(choiceFinish) }),
  },
  "/embeddings": {
    whole: z.object({
      object: z.literal("list"),
      data: z.array(z.object({ index: z.number(), embedding: z.array(z.number()) })).min(1),
    }),
    chunk: z.never(),
  },
};
const errorShape = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    code: z.union([z.string(), z.number()]).nullish(),
    param: z.string().nullish(),
  }),
});

function finishReasons(choices: unknown): string[] {
  if (!Array.isArray(choices)) return [];
  return choices.flatMap((choice) => (choice?.finish_reason ? [String(choice.finish_reason)] : []));
}

async function sendOnce(baseUrl: string, testCase: ComparisonCase): Promise<Outcome> {
  const response = await fetch(`${baseUrl}${testCase.endpoint}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(testCase.body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  const streamed = (response.headers.get("content-type") ?? "").includes("text/event-stream");
  const base = {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    statuses: [response.status],
  };
  if (streamed) {
    const chunks = text
      .split("\n\n")
      .filter((event) => event.startsWith("data: {"))
      .map((event) => JSON.parse(event.slice(6)));
    const shape = shapes[testCase.endpoint].chunk;
    return {
      ...base,
      error: "",
      param: "",
      finishReason: chunks.flatMap((chunk) => finishReasons(chunk.choices)).at(-1) ?? "",
      shapeOk:
        chunks.length > 0 &&
        chunks.every((chunk) => shape.safeParse(chunk).success) &&
        text.includes("[DONE]"),
      observed: testCase.observe?.(chunks) ?? "",
    };
  }
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: the shape check below says so.
  }
  if (!response.ok) {
    const parsed = errorShape.safeParse(json);
    const error = parsed.success
      ? [parsed.data.error.type, parsed.data.error.code].filter(Boolean).join("/")
      : "";
    const param = parsed.success ? (parsed.data.error.param ?? "") : "";
    return { ...base, error, param, finishReason: "", shapeOk: parsed.success, observed: "" };
  }
  const record = json as { choices?: unknown } | null;
  return {
    ...base,
    error: "",
    param: "",
    finishReason: [...new Set(finishReasons(record?.choices))].join(","),
    shapeOk: shapes[testCase.endpoint].whole.safeParse(json).success,
    observed: testCase.observe?.(json) ?? "",
  };
}

/** Sends a case to one server's `/v1` (all of a concurrent case's copies at once). */
export async function sendComparisonCase(baseUrl: string, testCase: ComparisonCase): Promise<Outcome> {
  if (!testCase.concurrent) return sendOnce(baseUrl, testCase);
  const outcomes = await Promise.all(
    Array.from({ length: testCase.concurrent }, () => sendOnce(baseUrl, testCase)),
  );
  const refused = outcomes.find((outcome) => outcome.status >= 400);
  const counts = new Map<number, number>();
  for (const { status } of outcomes) counts.set(status, (counts.get(status) ?? 0) + 1);
  return {
    ...(refused ?? (outcomes.at(-1) as Outcome)),
    statuses: outcomes.map((outcome) => outcome.status),
    observed: [...counts].map(([status, count]) => `${count}× ${status}`).join(", "),
  };
}

/** One table cell: status, error or finish reason, shape, what was observed. */
export function describeOutcome(outcome: Outcome): string {
  const parts = [String(outcome.status)];
  if (outcome.error) parts.push(outcome.param ? `${outcome.error} (\`${outcome.param}\`)` : outcome.error);
  if (outcome.finishReason) parts.push(outcome.finishReason);
  if (!outcome.shapeOk) parts.push("**not OpenAI's shape**");
  if (outcome.observed) parts.push(outcome.observed);
  if (outcome.retryAfter) parts.push(`Retry-After: ${outcome.retryAfter}`);
  return parts.join(" · ");
}
