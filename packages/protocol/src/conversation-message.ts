import { z } from "zod";

export const textContentPartSchema = z.strictObject({ type: z.literal("text"), text: z.string() });
/** Paddler accepts only `url` in `image_url`; an extra `detail` key is refused. */
export const imageUrlContentPartSchema = z.strictObject({
  type: z.literal("image_url"),
  image_url: z.strictObject({ url: z.string().min(1) }),
});
export const conversationMessageContentPartSchema = z.discriminatedUnion("type", [
  textContentPartSchema,
  imageUrlContentPartSchema,
]);
export type ConversationMessageContentPart = z.infer<typeof conversationMessageContentPartSchema>;

export const conversationMessageSchema = z.strictObject({
  role: z.string().min(1),
  content: z.union([z.string(), z.array(conversationMessageContentPartSchema)]),
});
export type ConversationMessage = z.infer<typeof conversationMessageSchema>;
