import { z } from "zod";
import { taggedVariant, unitVariant } from "./tagged.js";

export const embeddingNormalizationMethodSchema = z.union([
  unitVariant("L2"),
  unitVariant("None"),
  taggedVariant("RmsNorm", z.strictObject({ epsilon: z.number().positive() })),
]);
export type EmbeddingNormalizationMethod = z.infer<typeof embeddingNormalizationMethodSchema>;
