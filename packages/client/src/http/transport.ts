import { abortedError } from "../abort.js";
import { PaddlerError } from "../errors.js";
import type { RequestOptions } from "./request-options.js";

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  fetch?: FetchFunction | undefined;
  headers?: Record<string, string> | undefined;
  apiKey?: string | undefined;
}

export interface SendOptions extends RequestOptions {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  json?: unknown;
  accept?: string;
}

/** Sends HTTP requests with the client's headers and maps every failure to a PaddlerError. */
export interface Transport {
  send(url: string, options: SendOptions): Promise<Response>;
}

export function createTransport({
  fetch: fetchOption,
  headers: baseHeaders,
  apiKey,
}: TransportOptions): Transport {
  return {
    async send(url, { method = "GET", json, accept, signal, headers }) {
      const fetchFunction = fetchOption ?? globalThis.fetch;
      if (typeof fetchFunction !== "function") {
        throw new PaddlerError({
          code: "configuration_error",
          message: "No fetch implementation available",
          url,
        });
      }
      const requestHeaders: Record<string, string> = { ...baseHeaders, ...headers };
      if (apiKey !== undefined) requestHeaders.Authorization = `Bearer ${apiKey}`;
      if (accept !== undefined) requestHeaders.Accept = accept;
      if (json !== undefined) requestHeaders["Content-Type"] = "application/json";
      let response: Response;
      try {
        response = await fetchFunction(url, {
          method,
          headers: requestHeaders,
          body: json === undefined ? undefined : JSON.stringify(json),
          signal,
        });
      } catch (cause) {
        if (signal?.aborted) throw abortedError(signal, url);
        throw new PaddlerError({
          code: "network_error",
          message: `Could not reach ${url}: ${cause instanceof Error ? cause.message : String(cause)}`,
          url,
          cause,
        });
      }
      if (!response.ok) throw await httpError(response, url);
      return response;
    },
  };
}

async function httpError(response: Response, url: string): Promise<PaddlerError> {
  const text = await response.text().catch(() => "");
  let body: unknown = text;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    // Paddler answers some errors as plain text; keep it as is.
  }
  const detail = describeBody(body);
  return new PaddlerError({
    code: "http_error",
    message: `${response.status} ${response.statusText || "error"} from ${url}${detail ? `: ${detail}` : ""}`,
    status: response.status,
    url,
    body,
  });
}

function describeBody(body: unknown): string {
  if (typeof body === "string") return body.slice(0, 500);
  if (typeof body !== "object" || body === null) return "";
  for (const key of ["message", "description", "error"]) {
    const value: unknown = Reflect.get(body, key);
    if (typeof value === "string") return value;
    if (typeof value === "object" && value !== null) {
      const nested: unknown = Reflect.get(value, "message") ?? Reflect.get(value, "description");
      if (typeof nested === "string") return nested;
    }
  }
  return JSON.stringify(body).slice(0, 500);
}

/** Reads a body, mapping an abort or a reset connection to a PaddlerError. */
export async function readText(response: Response, url: string, signal?: AbortSignal): Promise<string> {
  try {
    return await response.text();
  } catch (cause) {
    throw bodyError(cause, url, signal);
  }
}

export function bodyError(cause: unknown, url: string, signal?: AbortSignal): PaddlerError {
  if (cause instanceof PaddlerError) return cause;
  if (signal?.aborted) return abortedError(signal, url);
  return new PaddlerError({
    code: "network_error",
    message: `The connection to ${url} failed while reading the response`,
    url,
    cause,
  });
}
