import { describe, expect, it } from "vitest";
import { redactAccessToken } from "./use-chat.js";

describe("redactAccessToken", () => {
  it("keeps the API key of a failed socket's URL off the page", () => {
    expect(
      redactAccessToken(
        "Could not open ws://h:1/api/v1/inference_socket?access_token=s3cret&x=1: closed (1006)",
      ),
    ).toBe("Could not open ws://h:1/api/v1/inference_socket?access_token=…&x=1: closed (1006)");
    expect(redactAccessToken("no token here")).toBe("no token here");
  });
});
