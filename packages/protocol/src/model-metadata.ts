import { z } from "zod";

/** GGUF metadata as Paddler reports it: every value as a string. */
export const modelMetadataSchema = z.strictObject({ metadata: z.record(z.string(), z.string()) });
export type ModelMetadata = z.infer<typeof modelMetadataSchema>;
