import type { Logger } from "@paddler/logger";
import { Hono } from "hono";
import type { AgentRegistry } from "../../agents/agent-registry.js";
import { splitEmbeddingBatch } from "../../balancing/split-embedding-batch.js";
import type { Dispatcher } from "../../dispatch/dispatcher.js";
import { checkRequestLimits, type RequestLimits } from "../../dispatch/request-limits.js";
import { traceOrigin } from "../../tracing/trace-origin.js";
import { collectEmbeddings } from "../collect-embeddings.js";
import { embeddingRequestSchema } from "../embedding-request.js";
import { encodeEmbeddingBase64, estimateTokens } from "../encode-embedding.js";
import type { OpenAIModelRouter } from "../model-router.js";
import { OpenAIError } from "../openai-error.js";
import { parseOpenAIBody } from "../parse-openai-body.js";
import { truncateEmbedding } from "../truncate-embedding.js";

export interface EmbeddingsRouteDeps {
  dispatcher: Dispatcher;
  registry: AgentRegistry;
  route: OpenAIModelRouter;
  limits: RequestLimits;
  logger?: Logger;
}

/**
 * `POST /v1/embeddings`: one GenerateEmbeddingBatch split over agents and slots as the native API
 * splits it. Vectors are L2-normalized, as OpenAI's are.
 */
export function embeddingsRoute({ dispatcher, registry, route, limits, logger }: EmbeddingsRouteDeps) {
  return new Hono().post("/embeddings", async (c) => {
    const body = await parseOpenAIBody(c, embeddingRequestSchema, logger);
    const { input } = body;
    const inputs: (string | number[])[] =
      typeof input === "string"
        ? [input]
        : typeof input[0] === "number"
          ? [input as number[]]
          : (input as (string | number[])[]);
    const documents = inputs.map((one, index) =>
      typeof one === "string"
        ? { id: String(index), content: one }
        : { id: String(index), content: "", tokens: one },
    );
    // The whole batch, before it is split into chunks that would each pass on their own.
    const problem = checkRequestLimits(
      { GenerateEmbeddingBatch: { input_batch: documents, normalization_method: "L2" } },
      limits,
    );
    if (problem) throw new OpenAIError({ message: `input ${problem.reason}`, status: 400, param: "input" });
    const target = route(c, body);
    target.requireEmbeddings();
    const requestId = c.get("requestId");
    const trace = traceOrigin(c);
    const chunks = splitEmbeddingBatch(
      documents,
      Math.max(1, registry.inPool(target.pool).length),
      target.embeddingBatchSize,
    );
    const abort = new AbortController();
    const onClientGone = () => abort.abort();
    c.req.raw.signal.addEventListener("abort", onClientGone, { once: true });
    let vectors: Map<string, number[]>;
    try {
      vectors = await collectEmbeddings(
        chunks.map((input_batch, index) =>
          dispatcher.dispatch(
            { GenerateEmbeddingBatch: { input_batch, normalization_method: "L2" } },
            abort.signal,
            {
              requestId: chunks.length === 1 ? requestId : `${requestId}.c${index}`,
              pool: target.pool,
              trace,
            },
          ),
        ),
      );
    } finally {
      abort.abort();
      c.req.raw.signal.removeEventListener("abort", onClientGone);
    }
    const base64 = body.encoding_format === "base64";
    const data = documents.map(({ id }, index) => {
      const vector = vectors.get(id);
      if (!vector)
        throw new OpenAIError({
          message: `No embedding was produced for input[${index}]`,
          status: 500,
          code: "embedding_failed",
        });
      const shortened = truncateEmbedding(vector, body.dimensions);
      return { object: "embedding", index, embedding: base64 ? encodeEmbeddingBase64(shortened) : shortened };
    });
    const promptTokens =
      estimateTokens(inputs.filter((one): one is string => typeof one === "string")) +
      inputs.reduce((sum, one) => sum + (typeof one === "string" ? 0 : one.length), 0);
    return c.json({
      object: "list",
      data,
      model: body.model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  });
}
