import type {
  ContinueFromConversationHistoryParams,
  ContinueFromRawPromptParams,
  GeneratedTokenResult,
  GrammarConstraint,
  SamplingOverrides,
} from "@paddler/protocol";
import { z } from "zod";
import { desiredModelName } from "../../engine/desired-model-name.js";
import { openAIStreamResults } from "../../engine/openai-stream-results.js";
import type { UpstreamAdapter, UpstreamRequestContext } from "../../engine/upstream-adapter.js";
import { upstreamEmbeddings } from "../../engine/upstream-embeddings.js";
import { upstreamErrorMessage } from "../../engine/upstream-error-message.js";
import { effectiveSampling } from "../../engine/upstream-request-fields.js";

const modelsSchema = z.object({ data: z.array(z.object({ id: z.string() }).loose()) });

export interface OpenAIUpstreamAdapterOptions {
  /** The server's root, without `/v1` (see `openAIRootUrl`). */
  rootUrl: string;
  apiKey: string | null;
  /** Requests it may run at once (`--slots`, llama-balancer's request-max). */
  slots: number;
}

/** `http://host:8000/v1/` and `http://host:8000` both name the server at `http://host:8000`. */
export function openAIRootUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = parsed.pathname.replace(/\/+$/, "").replace(/\/v1$/, "");
  parsed.search = "";
  parsed.hash = "";
  return parsed.toString().replace(/\/+$/, "");
}

/** Only what OpenAI's API defines, plus top_k/min_p/typical_p when the request asks for them itself. */
function samplingFields(context: UpstreamRequestContext, overrides: SamplingOverrides | undefined) {
  const sampling = effectiveSampling(context.desiredState, overrides);
  return {
    temperature: sampling.temperature,
    top_p: sampling.top_p,
    presence_penalty: sampling.presence_penalty,
    frequency_penalty: sampling.frequency_penalty,
    ...(overrides?.top_k !== undefined ? { top_k: overrides.top_k } : {}),
    ...(overrides?.min_p !== undefined ? { min_p: overrides.min_p } : {}),
    ...(overrides?.typical_p !== undefined ? { typical_p: overrides.typical_p } : {}),
    ...("seed" in sampling ? { seed: sampling.seed } : {}),
    ...("stop" in sampling ? { stop: sampling.stop } : {}),
  };
}

function grammarFields(grammar: GrammarConstraint | null | undefined): Record<string, unknown> | string {
  if (!grammar) return {};
  // GBNF is llama.cpp's; servers built on it (llama-server, llama-swap, Ollama) take it as `grammar`.
  if (grammar.type === "gbnf") return { grammar: grammar.grammar };
  try {
    return {
      response_format: {
        type: "json_schema",
        json_schema: { name: "schema", schema: JSON.parse(grammar.schema) },
      },
    };
  } catch (error) {
    return `The JSON schema is not JSON: ${(error as Error).message}`;
  }
}

/** Any OpenAI-compatible server: vLLM, Ollama, SGLang, llama-swap, another Paddler balancer. */
export function createOpenAIUpstreamAdapter(options: OpenAIUpstreamAdapterOptions): UpstreamAdapter {
  const { rootUrl, slots } = options;
  const headers: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  let servedModels: string[] = [];
  const target = { rootUrl, headers };

  // The upstream needs a model name: the cluster's desired model when it serves it, else its first.
  const modelFor = (context: UpstreamRequestContext) => {
    const desired = context.desiredState ? desiredModelName(context.desiredState.model) : null;
    const match = desired
      ? servedModels.find((id) => id === desired || id.startsWith(`${desired.replace(/\.gguf$/i, "")}`))
      : undefined;
    return match ?? servedModels[0] ?? desired ?? "default";
  };

  async function* generate({
    path,
    body,
    grammar,
    context,
    signal,
    parseToolCalls,
  }: {
    path: string;
    body: Record<string, unknown>;
    grammar: GrammarConstraint | null | undefined;
    context: UpstreamRequestContext;
    signal: AbortSignal;
    parseToolCalls: boolean;
  }): AsyncGenerator<GeneratedTokenResult> {
    const grammarPart = grammarFields(grammar);
    if (typeof grammarPart === "string") {
      yield { GrammarSyntaxError: grammarPart };
      return;
    }
    const response = await fetch(`${rootUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers, ...context.traceHeaders },
      body: JSON.stringify({
        ...body,
        ...grammarPart,
        stream: true,
        stream_options: { include_usage: true },
      }),
      signal,
    });
    if (!response.ok || !response.body) {
      yield { SamplerError: (await upstreamErrorMessage(response)).message };
      return;
    }
    yield* openAIStreamResults(response.body, { parseToolCalls });
  }

  return {
    kind: "OpenAIUpstream",
    target,
    async probe(signal) {
      const response = await fetch(`${rootUrl}/v1/models`, { headers, signal });
      if (!response.ok) {
        const { message } = await upstreamErrorMessage(response);
        return {
          slots: 0,
          servedModels: [],
          modelPath: null,
          metadata: {},
          problem: `/v1/models: ${message}`,
        };
      }
      const models = modelsSchema.safeParse(await response.json().catch(() => null));
      if (!models.success) {
        return {
          slots: 0,
          servedModels: [],
          modelPath: null,
          metadata: {},
          problem: "/v1/models is not a model list",
        };
      }
      servedModels = models.data.data.map((model) => model.id);
      return { slots, servedModels, modelPath: servedModels[0] ?? null, metadata: {}, problem: null };
    },

    continueFromRawPrompt(params: ContinueFromRawPromptParams, context, signal) {
      return generate({
        path: "/v1/completions",
        body: {
          model: modelFor(context),
          prompt: params.raw_prompt,
          ...(params.max_tokens >= 0 ? { max_tokens: params.max_tokens } : {}),
          ...samplingFields(context, params.sampling),
        },
        grammar: params.grammar,
        context,
        signal,
        parseToolCalls: false,
      });
    },

    continueFromConversationHistory(params: ContinueFromConversationHistoryParams, context, signal) {
      return generate({
        path: "/v1/chat/completions",
        body: {
          model: modelFor(context),
          messages: params.conversation_history,
          ...(params.max_tokens >= 0 ? { max_tokens: params.max_tokens } : {}),
          ...(params.tools && params.tools.length > 0 ? { tools: params.tools } : {}),
          ...samplingFields(context, params.sampling),
        },
        grammar: params.grammar,
        context,
        signal,
        parseToolCalls: params.parse_tool_calls !== false,
      });
    },

    generateEmbeddingBatch(params, context, signal) {
      return upstreamEmbeddings(target, params, context, signal, modelFor(context));
    },
  };
}
