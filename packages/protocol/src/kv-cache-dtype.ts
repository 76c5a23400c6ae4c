import { z } from "zod";

export const kvCacheDtypeSchema = z.enum([
  "F32",
  "F16",
  "BF16",
  "Q8_0",
  "Q4_0",
  "Q4_1",
  "IQ4_NL",
  "Q5_0",
  "Q5_1",
]);
export type KvCacheDtype = z.infer<typeof kvCacheDtypeSchema>;
