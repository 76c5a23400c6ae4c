import { z } from "zod";
import type { UpstreamProbe } from "../../engine/upstream-adapter.js";

const propsSchema = z.object({
  total_slots: z.number().int().nonnegative(),
  model_path: z.string().optional(),
  model_alias: z.string().optional(),
  build_info: z.string().optional(),
  default_generation_settings: z.object({ n_ctx: z.number().int().optional() }).loose().optional(),
});

const modelsSchema = z.object({
  data: z
    .array(z.object({ id: z.string(), meta: z.record(z.string(), z.unknown()).nullish() }).loose())
    .default([]),
});

async function getJson(url: string, signal: AbortSignal): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, { signal });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Some servers answer health checks with plain text.
  }
  return { status: response.status, json };
}

/**
 * Reads a llama-server's health, slots and model (`/health`, `/props`, `/v1/models`). A server
 * still loading its model answers 503 on /health and has no slots yet.
 */
export async function probeLlamaServer(rootUrl: string, signal: AbortSignal): Promise<UpstreamProbe> {
  const health = await getJson(`${rootUrl}/health`, signal);
  if (health.status !== 200) {
    return {
      slots: 0,
      servedModels: [],
      modelPath: null,
      metadata: {},
      problem:
        health.status === 503 ? "llama-server is loading its model" : `/health answered ${health.status}`,
    };
  }
  const props = propsSchema.safeParse((await getJson(`${rootUrl}/props`, signal)).json);
  if (!props.success) {
    return {
      slots: 0,
      servedModels: [],
      modelPath: null,
      metadata: {},
      problem: "/props is not llama-server's",
    };
  }
  const models = modelsSchema.safeParse((await getJson(`${rootUrl}/v1/models`, signal)).json);
  const entries = models.success ? models.data.data : [];
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(entries[0]?.meta ?? {}))
    metadata[`llama_server.${key}`] = String(value);
  if (props.data.build_info) metadata["llama_server.build_info"] = props.data.build_info;
  const nCtx = props.data.default_generation_settings?.n_ctx;
  if (nCtx !== undefined) metadata["llama_server.n_ctx_slot"] = String(nCtx);
  return {
    slots: props.data.total_slots,
    servedModels: entries.map((entry) => entry.id),
    modelPath: props.data.model_path ?? props.data.model_alias ?? entries[0]?.id ?? null,
    metadata,
    problem: null,
  };
}
