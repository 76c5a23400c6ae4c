import { type InferenceClientMessage, inferenceClientMessageSchema } from "@paddler/protocol";

/** Reads a whole NDJSON response, validating each line against the wire schema. */
export async function readNdjson(response: Response): Promise<InferenceClientMessage[]> {
  const text = await response.text();
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => inferenceClientMessageSchema.parse(JSON.parse(line)));
}

/** The text of the content tokens in a stream. */
export function contentText(messages: InferenceClientMessage[]): string {
  return messages
    .map((message) =>
      "Response" in message &&
      typeof message.Response.response === "object" &&
      "GeneratedToken" in message.Response.response &&
      typeof message.Response.response.GeneratedToken === "object" &&
      "ContentToken" in message.Response.response.GeneratedToken
        ? message.Response.response.GeneratedToken.ContentToken
        : "",
    )
    .join("");
}

export function postJson(url: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
}

export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
