import { z } from "zod";
import { taggedVariant, unitVariant } from "./tagged.js";

export const huggingFaceModelReferenceSchema = z.strictObject({
  filename: z.string().min(1),
  repo_id: z.string().min(1),
  revision: z.string().min(1),
});
export type HuggingFaceModelReference = z.infer<typeof huggingFaceModelReferenceSchema>;

export const urlModelReferenceSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
});

/** Where an agent gets its model: `{"HuggingFace":…}`, `{"LocalToAgent":"/path"}`, `{"Url":{url}}` or `"None"`. */
export const agentDesiredModelSchema = z.union([
  taggedVariant("HuggingFace", huggingFaceModelReferenceSchema),
  taggedVariant("LocalToAgent", z.string().min(1)),
  taggedVariant("Url", urlModelReferenceSchema),
  unitVariant("None"),
]);
export type AgentDesiredModel = z.infer<typeof agentDesiredModelSchema>;
