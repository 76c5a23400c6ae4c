import { generateEmbeddingBatchParamsSchema, type InferenceClientMessage } from "@paddler/protocol";
import { Hono } from "hono";
import { nanoid } from "nanoid";
import type { AgentRegistry } from "../../agents/agent-registry.js";
import { splitEmbeddingBatch } from "../../balancing/split-embedding-batch.js";
import type { DispatchEvent, Dispatcher } from "../../dispatch/dispatcher.js";
import { mergeAsyncIterables } from "../../dispatch/merge-async-iterables.js";
import type { RequestLimits } from "../../dispatch/request-limits.js";
import { EmbeddingsDisabledError } from "../../errors.js";
import { ndjsonResponse } from "../../http/ndjson-response.js";
import { parseJsonBody } from "../../http/parse-json-body.js";
import type { Fleet } from "../../pools/fleet.js";
import { nativePool } from "../../pools/native-pool.js";
import { traceOrigin } from "../../tracing/trace-origin.js";
import { enforceLimits, toClientMessage } from "./generation.js";

export interface EmbeddingRoutesDeps {
  fleet: Fleet;
  dispatcher: Dispatcher;
  registry: AgentRegistry;
  limits: RequestLimits;
}

function isChunkDone(event: DispatchEvent): boolean {
  return event.kind === "response" && typeof event.response === "object" && "Embedding" in event.response
    ? event.response.Embedding === "Done"
    : false;
}

/**
 * `generate_embedding_batch`: documents are split over agents and slots (Paddler's rule), chunks run
 * in parallel, per-chunk `Done` lines are dropped and one `Done` ends the stream.
 */
export function embeddingRoutes({ fleet, dispatcher, registry, limits }: EmbeddingRoutesDeps) {
  return new Hono().post("/generate_embedding_batch", async (c) => {
    const params = await parseJsonBody(c, generateEmbeddingBatchParamsSchema);
    enforceLimits({ GenerateEmbeddingBatch: params }, limits);
    const { pool, cluster } = nativePool(fleet, c.req);
    if (!cluster.desired.inference_parameters.enable_embeddings) throw new EmbeddingsDisabledError();
    const requestId = c.get("requestId") ?? nanoid();
    const trace = traceOrigin(c);
    const abort = new AbortController();
    c.req.raw.signal.addEventListener("abort", () => abort.abort(), { once: true });
    const chunks = splitEmbeddingBatch(
      params.input_batch,
      Math.max(1, registry.inPool(pool).length),
      cluster.desired.inference_parameters.embedding_batch_size,
    );
    async function* lines(): AsyncGenerator<InferenceClientMessage> {
      const streams = chunks.map((input_batch, index) =>
        dispatcher.dispatch(
          { GenerateEmbeddingBatch: { input_batch, normalization_method: params.normalization_method } },
          abort.signal,
          { requestId: chunks.length === 1 ? requestId : `${requestId}.c${index}`, pool, trace },
        ),
      );
      for await (const event of mergeAsyncIterables(streams)) {
        if (isChunkDone(event)) continue;
        yield toClientMessage(event, requestId);
        if (event.kind === "error") return;
      }
      yield { Response: { generated_by: null, request_id: nanoid(), response: { Embedding: "Done" } } };
    }
    return ndjsonResponse(lines(), () => abort.abort());
  });
}
