import { z } from "zod";

export const poolingTypeSchema = z.enum(["Unspecified", "None", "Mean", "Cls", "Last", "Rank"]);
export type PoolingType = z.infer<typeof poolingTypeSchema>;
