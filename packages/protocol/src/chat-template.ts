import { z } from "zod";

export const chatTemplateSchema = z.strictObject({ content: z.string() });
export type ChatTemplate = z.infer<typeof chatTemplateSchema>;
