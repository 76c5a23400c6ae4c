import { z } from "zod";
import { kvCacheDtypeSchema } from "./kv-cache-dtype.js";
import { poolingTypeSchema } from "./pooling-type.js";

const int = z.number().int();
const nonNegativeInt = int.nonnegative();
const positiveInt = int.positive();

/** Cluster-wide inference parameters. Every key is required on the wire, as in Paddler. */
export const inferenceParametersSchema = z.strictObject({
  n_batch: positiveInt,
  context_size: positiveInt,
  embedding_batch_size: positiveInt,
  enable_embeddings: z.boolean(),
  image_resize_to_fit: positiveInt,
  k_cache_dtype: kvCacheDtypeSchema,
  v_cache_dtype: kvCacheDtypeSchema,
  min_p: z.number().min(0).max(1),
  n_gpu_layers: int.min(-1),
  penalty_frequency: z.number(),
  penalty_last_n: int.min(-1),
  penalty_presence: z.number(),
  penalty_repeat: z.number().nonnegative(),
  pooling_type: poolingTypeSchema,
  temperature: z.number().nonnegative(),
  top_k: nonNegativeInt,
  top_p: z.number().min(0).max(1),
});
export type InferenceParameters = z.infer<typeof inferenceParametersSchema>;

export const defaultInferenceParameters: InferenceParameters = Object.freeze({
  n_batch: 2048,
  context_size: 8192,
  embedding_batch_size: 256,
  enable_embeddings: false,
  image_resize_to_fit: 1024,
  k_cache_dtype: "Q8_0",
  v_cache_dtype: "Q8_0",
  min_p: 0.05,
  n_gpu_layers: 0,
  penalty_frequency: 0.0,
  penalty_last_n: -1,
  penalty_presence: 0.8,
  penalty_repeat: 1.1,
  pooling_type: "Last",
  temperature: 0.8,
  top_k: 80,
  top_p: 0.8,
});
