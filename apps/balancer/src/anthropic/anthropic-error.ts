import { fromThrown } from "../openai/to-openai-error.js";

const typeByStatus: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  503: "overloaded_error",
  529: "overloaded_error",
};

/** Any error as Anthropic's `{type: "error", error: {type, message}}`, with the HTTP status to use. */
export function toAnthropicError(thrown: unknown): {
  status: number;
  body: { type: "error"; error: { type: string; message: string } };
} {
  const error = fromThrown(thrown);
  return {
    status: error.status,
    body: {
      type: "error",
      error: { type: typeByStatus[error.status] ?? "api_error", message: error.message },
    },
  };
}
