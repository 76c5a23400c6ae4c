/** OpenAI's error `type` values that this service uses. */
export type OpenAIErrorType = "invalid_request_error" | "not_found_error" | "server_error";

export interface OpenAIErrorBody {
  error: { message: string; type: OpenAIErrorType; param: string | null; code: string | null };
}

/**
 * An error the OpenAI service answers with, in OpenAI's shape. `retryable` is false for errors a
 * retry cannot fix (validation, the cluster's mode), so the official SDKs don't retry them.
 */
export class OpenAIError extends Error {
  override readonly name = "OpenAIError";
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly param: string | null;
  readonly code: string | null;
  readonly retryable: boolean;

  constructor(options: {
    message: string;
    status: number;
    type?: OpenAIErrorType;
    param?: string | null;
    code?: string | null;
    retryable?: boolean;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.status = options.status;
    // 501 is the cluster's mode refusing this kind of request, not a server fault.
    this.type =
      options.type ??
      (options.status >= 500 && options.status !== 501 ? "server_error" : "invalid_request_error");
    this.param = options.param ?? null;
    this.code = options.code ?? null;
    this.retryable = options.retryable ?? (options.status >= 500 && options.status !== 501);
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** A 400 that names the offending field, as OpenAI's `param`. */
export function invalidRequest(message: string, param: string | null, code = "invalid_value"): OpenAIError {
  return new OpenAIError({ message, status: 400, param, code });
}
