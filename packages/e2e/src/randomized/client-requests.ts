import { connect } from "node:net";
import WebSocket from "ws";

export type RequestRoute = "native" | "socket" | "openai-completions" | "openai-chat";
export type MaxTokensClass = "zero" | "one" | "small" | "past-context";
/** How the client ends the request early, if at all (item timeouts come from the balancer's mode). */
export type CancelKind = "none" | "abort" | "half-close" | "stop";

export interface RequestSpec {
  route: RequestRoute;
  stream: boolean;
  maxTokens: MaxTokensClass;
  cancel: CancelKind;
  /** When the cancel comes, after the request was sent. */
  cancelAfterMs: number;
}

/** How a request ended, as the client saw it. */
export interface RequestEnd {
  kind: "reply" | "error" | "cancelled" | "network-error" | "silence";
  /** Terminal messages seen (a Done, an error line, a JSON body): exactly one unless cancelled. */
  terminals: number;
  detail: string;
}

export function maxTokensOf(kind: MaxTokensClass): number {
  if (kind === "zero") return 0;
  if (kind === "one") return 1;
  if (kind === "small") return 12;
  return 100_000;
}

const prompt = "Once upon a time";

/** Counts terminal lines in a native NDJSON stream or socket frames: Done, an error variant, an Error envelope. */
function countNativeTerminals(lines: string[]): { terminals: number; errors: number } {
  let terminals = 0;
  let errors = 0;
  for (const line of lines) {
    const message = JSON.parse(line) as {
      Error?: unknown;
      Response?: { response?: { GeneratedToken?: unknown } };
    };
    if (message.Error) {
      terminals++;
      errors++;
      continue;
    }
    const token = message.Response?.response?.GeneratedToken;
    if (token === undefined) continue;
    if (typeof token === "string") {
      terminals++;
      errors++;
    } else if (typeof token === "object" && token !== null) {
      const [key] = Object.keys(token);
      if (key === "Done") terminals++;
      else if (
        key &&
        !/^(ContentToken|ReasoningToken|ToolCallToken|UndeterminableToken|ToolCallParsed|ToolCallParseFailed|ToolCallValidationFailed|UnrecognizedToolCallFormat|Logprobs)$/.test(
          key,
        )
      ) {
        terminals++;
        errors++;
      }
    }
  }
  return { terminals, errors };
}

function endOf(terminals: number, errors: number, detail: string): RequestEnd {
  if (terminals === 0) return { kind: "silence", terminals, detail };
  return { kind: errors > 0 ? "error" : "reply", terminals, detail };
}

/** Runs one client request to its end; never throws. */
export async function runClientRequest(
  spec: RequestSpec,
  urls: { inference: string; openai: string },
): Promise<RequestEnd> {
  try {
    if (spec.route === "socket") return await socketRequest(spec, urls.inference);
    if (spec.cancel === "half-close") return await halfClosedRequest(spec, urls.inference);
    return await httpRequest(spec, urls);
  } catch (error) {
    return { kind: "network-error", terminals: 0, detail: String(error) };
  }
}

async function httpRequest(
  spec: RequestSpec,
  urls: { inference: string; openai: string },
): Promise<RequestEnd> {
  const max_tokens = maxTokensOf(spec.maxTokens);
  const [url, body] =
    spec.route === "native"
      ? [`${urls.inference}/api/v1/continue_from_raw_prompt`, { raw_prompt: prompt, max_tokens }]
      : spec.route === "openai-completions"
        ? [`${urls.openai}/completions`, { model: "any", prompt, max_tokens, stream: spec.stream }]
        : [
            `${urls.openai}/chat/completions`,
            {
              model: "any",
              messages: [{ role: "user", content: prompt }],
              // OpenAI's chat refuses 0: the smallest it takes.
              max_completion_tokens: Math.max(1, max_tokens),
              stream: spec.stream,
            },
          ];
  const abort = new AbortController();
  const timer = spec.cancel === "abort" ? setTimeout(() => abort.abort(), spec.cancelAfterMs) : null;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: abort.signal,
    });
    const text = await response.text();
    if (response.status >= 400) {
      // A clear error: a status and a JSON body that says what went wrong.
      JSON.parse(text);
      return { kind: "error", terminals: 1, detail: `${response.status} ${text.slice(0, 200)}` };
    }
    if (spec.route === "native") {
      const { terminals, errors } = countNativeTerminals(text.split("\n").filter((line) => line.trim()));
      return endOf(terminals, errors, text.slice(-200));
    }
    if (!spec.stream) {
      JSON.parse(text);
      return { kind: "reply", terminals: 1, detail: text.slice(0, 200) };
    }
    // SSE: ends with `data: [DONE]`; an error is an `error` object in a data line.
    const events = text.split("\n").filter((line) => line.startsWith("data: "));
    const done = events.filter((line) => line === "data: [DONE]").length;
    const errors = events.filter((line) => line.includes('"error"')).length;
    return endOf(done + (done === 0 ? errors : 0), errors, text.slice(-200));
  } catch (error) {
    if (abort.signal.aborted) return { kind: "cancelled", terminals: 0, detail: "client aborted" };
    throw error;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** A raw HTTP/1.1 request whose client half-closes the connection (FIN) and then reads on. */
async function halfClosedRequest(spec: RequestSpec, inferenceUrl: string): Promise<RequestEnd> {
  const { hostname, port } = new URL(inferenceUrl);
  const body = JSON.stringify({ raw_prompt: prompt, max_tokens: maxTokensOf(spec.maxTokens) });
  const socket = connect(Number(port), hostname);
  socket.setTimeout(300_000);
  return new Promise((resolve) => {
    let received = "";
    socket.on("data", (chunk) => {
      received += String(chunk);
    });
    socket.once("connect", () => {
      socket.write(
        `POST /api/v1/continue_from_raw_prompt HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      setTimeout(() => socket.end(), spec.cancelAfterMs);
    });
    // Whatever came back, the client gave up its side: it counts as a cancel.
    socket.once("close", () => resolve({ kind: "cancelled", terminals: 0, detail: received.slice(-120) }));
    socket.once("error", () => undefined);
    socket.once("timeout", () => {
      socket.destroy();
      resolve({ kind: "silence", terminals: 0, detail: "half-closed socket never closed" });
    });
  });
}

async function socketRequest(spec: RequestSpec, inferenceUrl: string): Promise<RequestEnd> {
  const socket = new WebSocket(`${inferenceUrl.replace("http", "ws")}/api/v1/inference_socket`);
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  const lines: string[] = [];
  const id = "r1";
  return new Promise((resolve) => {
    let settled = false;
    const finish = (end: RequestEnd) => {
      if (settled) return;
      settled = true;
      clearTimeout(cancelTimer);
      socket.close();
      resolve(end);
    };
    const cancelTimer = setTimeout(() => {
      if (spec.cancel === "stop") {
        socket.send(JSON.stringify({ Notification: { StopRespondingTo: id } }));
        // After a stop nothing more is owed; a short wait lets stray frames show.
        setTimeout(() => finish({ kind: "cancelled", terminals: 0, detail: "stopped" }), 200);
      } else if (spec.cancel === "abort") {
        socket.terminate();
        finish({ kind: "cancelled", terminals: 0, detail: "socket closed" });
      }
    }, spec.cancelAfterMs);
    if (spec.cancel === "none") clearTimeout(cancelTimer);
    socket.on("message", (data) => {
      lines.push(String(data));
      const { terminals, errors } = countNativeTerminals(lines);
      if (terminals > 0 && spec.cancel === "none") {
        // Wait a moment: a second terminal would break "exactly once".
        setTimeout(() => {
          const again = countNativeTerminals(lines);
          finish(endOf(again.terminals, again.errors, lines.at(-1) ?? ""));
        }, 100);
      } else if (terminals > 0 && !settled && errors >= 0) {
        finish(endOf(terminals, errors, lines.at(-1) ?? ""));
      }
    });
    socket.once("close", () =>
      finish(
        spec.cancel === "none"
          ? { kind: "network-error", terminals: 0, detail: "socket closed before a terminal" }
          : { kind: "cancelled", terminals: 0, detail: "closed" },
      ),
    );
    socket.send(
      JSON.stringify({
        Request: {
          id,
          request: { ContinueFromRawPrompt: { raw_prompt: prompt, max_tokens: maxTokensOf(spec.maxTokens) } },
        },
      }),
    );
  });
}
