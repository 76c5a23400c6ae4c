import { z } from "zod";

export const bufferedRequestsResponseSchema = z.strictObject({
  buffered_requests_current: z.number().int().nonnegative(),
});
export type BufferedRequestsResponse = z.infer<typeof bufferedRequestsResponseSchema>;
