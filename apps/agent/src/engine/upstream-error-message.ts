/** What an upstream says went wrong, from an error body in OpenAI's, llama-server's or any shape. */
export async function upstreamErrorMessage(response: Response): Promise<{ message: string; body: unknown }> {
  const text = await response.text().catch(() => "");
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the text is the message.
  }
  const error = typeof body === "object" && body !== null ? (body as { error?: unknown }).error : undefined;
  const message =
    typeof error === "string"
      ? error
      : typeof error === "object" &&
          error !== null &&
          typeof (error as { message?: unknown }).message === "string"
        ? (error as { message: string }).message
        : text.slice(0, 500) || response.statusText;
  return { message: `the upstream answered ${response.status}: ${message}`, body };
}
