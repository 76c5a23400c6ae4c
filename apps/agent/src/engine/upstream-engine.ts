import type { Logger } from "@paddler/logger";
import {
  type AgentDesiredState,
  type AgentEngineInfo,
  type ChatTemplate,
  type ContinueFromConversationHistoryParams,
  type ContinueFromRawPromptParams,
  type EmbeddingResult,
  FORWARD_HTTP_VERSION,
  type ForwardedHttpEvent,
  type ForwardHttpRequest,
  type GeneratedTokenResult,
  type GenerateEmbeddingBatchParams,
} from "@paddler/protocol";
import { DynamicSlots } from "./dynamic-slots.js";
import { forwardHttpToUpstream } from "./forward-http-to-upstream.js";
import type { HttpForwardingEngine } from "./forwarding-engine.js";
import type { EngineRequestOptions } from "./inference-engine.js";
import type { UpstreamAdapter, UpstreamProbe, UpstreamRequestContext } from "./upstream-adapter.js";

export interface UpstreamEngineOptions {
  adapter: UpstreamAdapter;
  /** At most this many requests at once (`--slots`); null: as many as the upstream reports. */
  slotCap: number | null;
  logger: Logger;
  /** How often the upstream's health and slots are read. */
  pollIntervalMs?: number;
  /** Called whenever slots, served models or the problem change. */
  onChange?: () => void;
}

const unreachable: UpstreamProbe = {
  slots: 0,
  servedModels: [],
  modelPath: null,
  metadata: {},
  problem: "not probed yet",
};

/**
 * An engine that is an HTTP server elsewhere: it polls the server's health and slots, reports
 * them as its own (0 while the server is down, so the balancer sends nothing), runs each request
 * on a slot of its own, and forwards clients' HTTP requests as they came.
 */
export class UpstreamEngine implements HttpForwardingEngine {
  readonly #options: UpstreamEngineOptions;
  readonly #slots = new DynamicSlots();
  #probe: UpstreamProbe = unreachable;
  #desiredState: AgentDesiredState | null = null;
  #timer: NodeJS.Timeout | null = null;
  #probing: Promise<void> | null = null;
  readonly #closed = new AbortController();

  constructor(options: UpstreamEngineOptions) {
    this.#options = options;
  }

  /** Reads the upstream once, then keeps reading it every poll interval. */
  async start(): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => void this.refresh(), this.#options.pollIntervalMs ?? 1000);
    this.#timer.unref();
  }

  /** Reads the upstream now (one read at a time). */
  refresh(): Promise<void> {
    this.#probing ??= this.#readUpstream().finally(() => {
      this.#probing = null;
    });
    return this.#probing;
  }

  async #readUpstream(): Promise<void> {
    if (this.#closed.signal.aborted) return;
    let probe: UpstreamProbe;
    const probeOnce = () =>
      this.#options.adapter.probe(AbortSignal.any([this.#closed.signal, AbortSignal.timeout(5000)]));
    try {
      // Asked again at once before the upstream counts as gone: a pooled keep-alive connection the
      // server closed while idle fails the next request on it ("other side closed"), and one such
      // race must not take the agent's slots away until the next probe.
      probe = await probeOnce().catch(() => {
        if (this.#closed.signal.aborted) throw this.#closed.signal.reason;
        return probeOnce();
      });
    } catch (error) {
      probe = { ...unreachable, problem: `unreachable: ${(error as Error).message}` };
    }
    if (this.#closed.signal.aborted) return;
    const before = JSON.stringify(this.#probe);
    this.#probe = probe;
    const cap = this.#options.slotCap;
    this.#slots.resize(cap === null ? probe.slots : Math.min(cap, probe.slots));
    if (JSON.stringify(probe) !== before) {
      if (probe.problem) this.#options.logger.warn("the upstream cannot serve", { problem: probe.problem });
      else
        this.#options.logger.info("the upstream serves", {
          slots: this.#slots.total,
          models: probe.servedModels,
        });
      this.#options.onChange?.();
    }
  }

  get lastProbe(): UpstreamProbe {
    return this.#probe;
  }

  get engineInfo(): AgentEngineInfo {
    return {
      kind: this.#options.adapter.kind,
      upstream: this.#options.adapter.target.rootUrl,
      served_models: this.#probe.servedModels.slice(0, 256),
      forward_http_version: FORWARD_HTTP_VERSION,
    };
  }

  get slotsTotal(): number {
    return this.#slots.total;
  }

  get slotsProcessing(): number {
    return this.#slots.processing;
  }

  setDesiredState(state: AgentDesiredState | null): void {
    this.#desiredState = state;
  }

  updateRuntimeState(state: AgentDesiredState): void {
    this.#desiredState = state;
  }

  async *#onSlot<T>({
    run,
    failed,
    signal,
    options = {},
  }: {
    run: (context: UpstreamRequestContext) => AsyncIterable<T>;
    failed: (reason: string) => T;
    signal: AbortSignal;
    options: EngineRequestOptions | undefined;
  }): AsyncGenerator<T> {
    const slot = this.#slots.acquire();
    if (slot === null) {
      yield failed("There are no available sequence slots on this agent");
      return;
    }
    try {
      yield* run({ slot, desiredState: this.#desiredState, traceHeaders: traceHeaders(options) });
    } catch (error) {
      if (signal.aborted) return;
      this.#options.logger.warn("a request failed on the upstream", { error });
      // The upstream may be gone: report it at once rather than at the next poll.
      void this.refresh();
      yield failed(`The upstream failed: ${(error as Error).message}`);
    } finally {
      this.#slots.release(slot);
    }
  }

  continueFromRawPrompt(
    params: ContinueFromRawPromptParams,
    signal: AbortSignal,
    options?: EngineRequestOptions,
  ): AsyncIterable<GeneratedTokenResult> {
    return this.#onSlot({
      run: (context) => this.#options.adapter.continueFromRawPrompt(params, context, signal),
      failed: (reason): GeneratedTokenResult => ({ SamplerError: reason }),
      signal,
      options,
    });
  }

  continueFromConversationHistory(
    params: ContinueFromConversationHistoryParams,
    signal: AbortSignal,
    options?: EngineRequestOptions,
  ): AsyncIterable<GeneratedTokenResult> {
    return this.#onSlot({
      run: (context) => this.#options.adapter.continueFromConversationHistory(params, context, signal),
      failed: (reason): GeneratedTokenResult => ({ SamplerError: reason }),
      signal,
      options,
    });
  }

  generateEmbeddingBatch(
    params: GenerateEmbeddingBatchParams,
    signal: AbortSignal,
    options?: EngineRequestOptions,
  ): AsyncIterable<EmbeddingResult> {
    return this.#onSlot({
      run: (context) => this.#options.adapter.generateEmbeddingBatch(params, context, signal),
      failed: (reason): EmbeddingResult => ({ Error: reason }),
      signal,
      options,
    });
  }

  forwardHttp(
    request: ForwardHttpRequest,
    signal: AbortSignal,
    options?: EngineRequestOptions,
  ): AsyncIterable<ForwardedHttpEvent> {
    const { target } = this.#options.adapter;
    return this.#onSlot({
      run: (context) =>
        forwardHttpToUpstream(
          { rootUrl: target.rootUrl, headers: { ...target.headers, ...context.traceHeaders } },
          request,
          signal,
        ),
      failed: (reason): ForwardedHttpEvent => ({ Failed: reason }),
      signal,
      options,
    });
  }

  getModelMetadata(): Record<string, string> {
    return this.#probe.metadata;
  }

  getChatTemplateOverride(): ChatTemplate | null {
    return this.#desiredState?.chat_template_override ?? null;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#closed.abort();
    if (this.#timer) clearInterval(this.#timer);
    await this.#probing?.catch(() => {});
  }
}

/** The headers that carry a request's trace context upstream (W3C Trace Context); none when tracing is off. */
function traceHeaders({ traceContext }: EngineRequestOptions): Record<string, string> {
  if (traceContext === undefined) return {};
  const { traceparent, tracestate } = traceContext;
  return tracestate === undefined ? { traceparent } : { traceparent, tracestate };
}
