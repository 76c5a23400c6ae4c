import type { AgentDesiredState, KvCacheDtype } from "@paddler/protocol";

export interface LlamaServerArgsOptions {
  modelPath: string;
  multimodalProjectionPath: string | null;
  desiredState: AgentDesiredState;
  slots: number;
  threads: number;
  port: number;
  /** A file holding the cluster's chat template override, when it has one. */
  chatTemplateFile: string | null;
  /** F16 instead of the desired quantized KV cache (small-head models refuse quantized caches). */
  kvCacheFallback: boolean;
}

const poolingNames = {
  Unspecified: null,
  None: "none",
  Mean: "mean",
  Cls: "cls",
  Last: "last",
  Rank: "rank",
} as const;

function cacheType(dtype: KvCacheDtype, fallback: boolean): string {
  return fallback ? "f16" : dtype.toLowerCase();
}

/** llama-server's command line for a desired state: Paddler's parameters in llama.cpp's flags. */
export function llamaServerArgs(options: LlamaServerArgsOptions): string[] {
  const parameters = options.desiredState.inference_parameters;
  const args = [
    "--model",
    options.modelPath,
    "--host",
    "127.0.0.1",
    "--port",
    String(options.port),
    // Paddler's context_size is shared by all slots, as llama-server's -c is.
    "--ctx-size",
    String(parameters.context_size),
    "--parallel",
    String(options.slots),
    "--threads",
    String(options.threads),
    "--batch-size",
    String(parameters.n_batch),
    "--n-gpu-layers",
    String(parameters.n_gpu_layers),
    "--cache-type-k",
    cacheType(parameters.k_cache_dtype, options.kvCacheFallback),
    "--cache-type-v",
    cacheType(parameters.v_cache_dtype, options.kvCacheFallback),
    "--slots",
    "--no-webui",
    "--jinja",
  ];
  if (options.chatTemplateFile) args.push("--chat-template-file", options.chatTemplateFile);
  if (options.multimodalProjectionPath) args.push("--mmproj", options.multimodalProjectionPath);
  if (parameters.enable_embeddings) {
    args.push("--embeddings");
    const pooling = poolingNames[parameters.pooling_type];
    if (pooling) args.push("--pooling", pooling);
  }
  return args;
}
