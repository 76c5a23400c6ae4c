import { z } from "zod";

/** A serde externally tagged enum variant with a payload: `{"Variant": payload}`. */
export function taggedVariant<const Tag extends string, Payload extends z.ZodType>(
  tag: Tag,
  payload: Payload,
) {
  return z.strictObject({ [tag]: payload } as { [K in Tag]: Payload });
}

/** A serde unit variant: the bare string `"Variant"`. */
export function unitVariant<const Tag extends string>(tag: Tag) {
  return z.literal(tag);
}
