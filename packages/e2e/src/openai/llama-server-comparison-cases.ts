// biome-ignore lint/suspicious/noExplicitAny: the cases read arbitrary JSON answers
type AnyJson = any;

export type Endpoint = "/chat/completions" | "/completions" | "/embeddings";

/** Which pair of servers a case goes to: the generation ones or the embeddings ones. */
export type Mode = "generation" | "embeddings";

export interface ComparisonCase {
  name: string;
  endpoint: Endpoint;
  body: Record<string, unknown>;
  mode?: Mode;
  /** Sent this many times at once (the overflow case); the outcome is the last answer's. */
  concurrent?: number;
  /** A word on what the answer shows (content, counts), computed from its JSON (a stream: its chunks). */
  observe?: (json: AnyJson) => string;
  note?: string;
}

const messages = [
  { role: "system", content: "You tell short stories." },
  { role: "user", content: "Once upon a time" },
];
const chat = { model: "m", messages, max_tokens: 4 };
const tools = [
  {
    type: "function",
    function: {
      name: "get_weather",
      description: "Weather in a city",
      parameters: {
        type: "object",
        properties: {
          city: { type: "string", maxLength: 12 },
          days: { type: "integer", minimum: 1, maximum: 9 },
        },
        required: ["city", "days"],
      },
    },
  },
  { type: "function", function: { name: "noop", parameters: { type: "object", properties: {} } } },
];

const content = (json: AnyJson) => JSON.stringify(json?.choices?.[0]?.message?.content ?? null).slice(0, 40);
const completionTokens = (json: AnyJson) => `${json?.usage?.completion_tokens} tokens`;
const toolCalls = (json: AnyJson) => {
  const message = json?.choices?.[0]?.message;
  const names = (message?.tool_calls ?? []).map((call: AnyJson) => call.function?.name).join(",");
  return `calls [${names}], content ${message?.content === null || message?.content === "" ? "empty" : "text"}`;
};

/** The requests of issue 13, each sent unchanged to llama-server and to the balancer. */
export const comparisonCases: ComparisonCase[] = [
  {
    name: "unknown top-level key",
    endpoint: "/chat/completions",
    body: { ...chat, some_future_field: { x: 1 } },
  },
  {
    name: "unknown nested keys (Agents SDK assistant parts: role, refusal, annotations)",
    endpoint: "/chat/completions",
    body: {
      ...chat,
      messages: [
        { role: "user", content: "Hi", cache_control: { type: "ephemeral" } },
        {
          role: "assistant",
          content: [{ type: "text", text: "Hello", role: "assistant", refusal: null, annotations: [] }],
        },
        { role: "user", content: "Once upon a time" },
      ],
    },
  },
  {
    name: 'wrong type of a used key (`temperature: "hot"`)',
    endpoint: "/chat/completions",
    body: { ...chat, temperature: "hot" },
  },
  {
    name: "`chat_template_kwargs`",
    endpoint: "/chat/completions",
    body: { ...chat, chat_template_kwargs: { enable_thinking: false } },
  },
  {
    name: "`grammar` (GBNF)",
    endpoint: "/chat/completions",
    body: { ...chat, max_tokens: 20, grammar: 'root ::= "yes" | "no"' },
    observe: content,
  },
  { name: "`cache_prompt`", endpoint: "/chat/completions", body: { ...chat, cache_prompt: true } },
  { name: "`repetition_penalty`", endpoint: "/chat/completions", body: { ...chat, repetition_penalty: 1.1 } },
  { name: "`typical_p`", endpoint: "/chat/completions", body: { ...chat, typical_p: 0.9 } },
  { name: "`top_k`", endpoint: "/chat/completions", body: { ...chat, top_k: 20 } },
  { name: "`min_p`", endpoint: "/chat/completions", body: { ...chat, min_p: 0.05 } },
  {
    name: "`ignore_eos`",
    endpoint: "/chat/completions",
    body: { ...chat, max_tokens: 6, ignore_eos: true },
    observe: completionTokens,
  },
  {
    name: "`n_probs`",
    endpoint: "/chat/completions",
    body: { ...chat, n_probs: 2 },
  },
  {
    name: "`stream_options.continuous_usage_stats` (stream)",
    endpoint: "/chat/completions",
    body: { ...chat, max_tokens: 5, stream: true, stream_options: { continuous_usage_stats: true } },
    observe: (chunks: AnyJson[]) =>
      `usage on ${chunks.filter((chunk) => chunk.usage).length}/${chunks.length} chunks`,
    note: "llama-server accepts it and sends usage only at the end; ours sends usage on every chunk",
  },
  {
    name: "prompt longer than the context",
    endpoint: "/chat/completions",
    body: {
      model: "m",
      messages: [{ role: "user", content: "Once upon a time there was a girl. ".repeat(300) }],
    },
  },
  {
    name: "generation reaching the context end (`ignore_eos`, no `max_tokens`)",
    endpoint: "/chat/completions",
    body: { model: "m", messages, ignore_eos: true },
    observe: (json: AnyJson) =>
      `${(json?.usage?.prompt_tokens ?? 0) + (json?.usage?.completion_tokens ?? 0)} tokens in all`,
    note: "both fill the 1024-token slot and end with `length`",
  },
  {
    name: '`tool_choice: "required"`',
    endpoint: "/chat/completions",
    body: { ...chat, max_tokens: 200, tools, tool_choice: "required", seed: 3 },
    observe: toolCalls,
    note: "llama-server ignores tools with a template that does not render them",
  },
  {
    name: "`tool_choice` naming a function",
    endpoint: "/chat/completions",
    body: {
      ...chat,
      max_tokens: 200,
      tools,
      tool_choice: { type: "function", function: { name: "get_weather" } },
    },
    observe: toolCalls,
  },
  {
    name: "`parallel_tool_calls: false`",
    endpoint: "/chat/completions",
    body: { ...chat, max_tokens: 200, tools, tool_choice: "required", parallel_tool_calls: false },
    observe: toolCalls,
  },
  {
    name: "`json_schema` with minimum/maximum/pattern",
    endpoint: "/chat/completions",
    body: {
      ...chat,
      max_tokens: 60,
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "x",
          strict: true,
          schema: {
            type: "object",
            properties: {
              n: { type: "integer", minimum: 1, maximum: 9 },
              code: { type: "string", pattern: "^[A-Z]{2}-[0-9]{3}$" },
            },
            required: ["n", "code"],
            additionalProperties: false,
          },
        },
      },
    },
    observe: (json: AnyJson) => {
      try {
        const value = JSON.parse(json?.choices?.[0]?.message?.content ?? "");
        const valid = value.n >= 1 && value.n <= 9 && /^[A-Z]{2}-[0-9]{3}$/.test(value.code);
        return valid ? "JSON within the schema" : `outside the schema: ${JSON.stringify(value)}`;
      } catch {
        return "not JSON";
      }
    },
    note: "llama-server refuses it with this chat template (`Failed to initialize samplers`: the grammar it builds around the template does not load); the same schema through its own `/completion` `json_schema` works",
  },
  {
    name: 'uncompilable schema (`type: "integr"`)',
    endpoint: "/chat/completions",
    body: {
      ...chat,
      response_format: {
        type: "json_schema",
        json_schema: { name: "x", schema: { type: "object", properties: { a: { type: "integr" } } } },
      },
    },
    observe: content,
  },
  {
    name: "`logprobs` + `top_logprobs` (chat)",
    endpoint: "/chat/completions",
    body: { ...chat, logprobs: true, top_logprobs: 2 },
    observe: (json: AnyJson) => {
      const entries = json?.choices?.[0]?.logprobs?.content ?? [];
      return `${entries.length} entries, ${entries[0]?.top_logprobs?.length ?? 0} top each`;
    },
  },
  {
    name: "`logprobs: 2` (/v1/completions)",
    endpoint: "/completions",
    body: { model: "m", prompt: "Once upon a time", max_tokens: 3, logprobs: 2 },
    observe: (json: AnyJson) => {
      const logprobs = json?.choices?.[0]?.logprobs;
      return `tokens ${logprobs?.tokens?.length ?? 0}, top ${logprobs?.top_logprobs?.length ?? 0}`;
    },
    note: "llama-server answers logprobs in its own `content` list; ours in OpenAI's legacy `tokens`/`token_logprobs`/`top_logprobs`",
  },
  {
    name: "`n: 2`",
    endpoint: "/chat/completions",
    body: { ...chat, n: 2 },
    observe: (json: AnyJson) => `${json?.choices?.length ?? 0} choices`,
  },
  {
    name: "token-id prompt (/v1/completions)",
    endpoint: "/completions",
    body: { model: "m", prompt: [1, 400, 300], max_tokens: 3 },
    observe: (json: AnyJson) => `${json?.usage?.prompt_tokens} prompt tokens`,
  },
  {
    name: "6 stop strings",
    endpoint: "/chat/completions",
    body: { ...chat, stop: ["zzz1", "zzz2", "zzz3", "zzz4", "zzz5", "zzz6"] },
  },
  {
    name: "empty `messages`",
    endpoint: "/chat/completions",
    body: { ...chat, messages: [] },
    observe: content,
  },
  {
    name: "embeddings on a server that only generates",
    endpoint: "/embeddings",
    body: { model: "m", input: "Once upon a time" },
  },
  {
    name: "embeddings of a string",
    endpoint: "/embeddings",
    mode: "embeddings",
    body: { model: "m", input: "Once upon a time", encoding_format: "float" },
    observe: (json: AnyJson) => `${json?.data?.[0]?.embedding?.length ?? 0} dimensions`,
  },
  {
    name: "embeddings of token ids",
    endpoint: "/embeddings",
    mode: "embeddings",
    body: { model: "m", input: [1, 400, 300], encoding_format: "float" },
    observe: (json: AnyJson) => `${json?.data?.length ?? 0} vectors`,
  },
  {
    name: "5 requests at once on 2 slots (overflow)",
    endpoint: "/chat/completions",
    body: { ...chat, max_tokens: 300, ignore_eos: true },
    concurrent: 5,
  },
];
