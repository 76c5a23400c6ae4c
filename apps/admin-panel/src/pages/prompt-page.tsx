import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type KeyboardEvent, useCallback, useId, useState } from "react";
import { Link } from "wouter";
import { useAuth } from "../auth/auth-context.js";
import { checkInferenceAccess } from "../auth/check-access.js";
import { SignInForm } from "../auth/sign-in-form.js";
import { ChatTranscript } from "../components/chat-transcript.js";
import { Sparkline } from "../components/sparkline.js";
import { serviceUrl } from "../config/panel-config.js";
import { usePanel } from "../config/panel-context.js";
import { useMetricsHistory, useMetricsSamples } from "../live/metrics-history-context.js";
import { usePageTitle } from "../live/use-page-title.js";
import { useChat } from "../prompt/use-chat.js";
import { desiredStateQueryOptions } from "../queries/desired-state.js";
import { inferenceAccessQueryOptions } from "../queries/inference-access.js";
import { tokenGenerationModeQueryOptions } from "../queries/token-generation-mode.js";

export function PromptPage() {
  usePageTitle("Prompt");
  const { client, config } = usePanel();
  const history = useMetricsHistory();
  const queryClient = useQueryClient();
  const inferenceUrl = config.inferenceAddr ? serviceUrl(config.inferenceAddr) : null;
  const inferenceKey = useAuth().inference.credential;
  // A reply that failed may mean the key no longer works: look again.
  const onChatFailure = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: inferenceAccessQueryOptions(null, null).queryKey }),
    [queryClient],
  );
  const chat = useChat(client, history, onChatFailure);
  const throughput = useMetricsSamples().map((sample) => sample.promptTokensPerSecond);
  const canInfer = config.inferenceAddr !== null;
  const access = useQuery(inferenceAccessQueryOptions(inferenceUrl, inferenceKey));
  const needsKey = access.data === "unauthorized";
  // Subscribe once the socket is known to let us in, or the socket would retry a 401 forever.
  const mode = useQuery(
    tokenGenerationModeQueryOptions(client, canInfer && access.data !== undefined && !needsKey),
  );
  const desired = useQuery(desiredStateQueryOptions(client));
  // The socket's notification is authoritative; the desired state covers the moment before it arrives.
  const embeddingsModeSource =
    mode.data === "TokenGenerationDisabled" || chat.generationDisabled
      ? "inference-socket"
      : mode.data !== "TokenGenerationEnabled" &&
          desired.data?.inference_parameters.enable_embeddings === true
        ? "desired-state"
        : null;
  const embeddingsMode = embeddingsModeSource !== null;

  const ids = { message: useId(), system: useId(), maxTokens: useId(), thinking: useId() };
  const [systemPrompt, setSystemPrompt] = useState("You are a helpful assistant.");
  const [text, setText] = useState("");
  const [maxTokens, setMaxTokens] = useState("256");
  const [enableThinking, setEnableThinking] = useState(false);
  const maxTokensValue = Number(maxTokens);
  const maxTokensError =
    Number.isInteger(maxTokensValue) && maxTokensValue > 0 ? null : "Must be a whole number above 0";
  const disabled = !canInfer || embeddingsMode || needsKey;

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (disabled || chat.streaming || maxTokensError || text.trim() === "") return;
    chat.send({ systemPrompt, text, enableThinking, maxTokens: maxTokensValue });
    setText("");
  };
  const onMessageKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey) submit(event);
  };

  return (
    <>
      <h1>Prompt</h1>
      <p className="lead">
        Try the fleet: this chat streams over the inference socket, one request at a time, through the same
        balancer your clients use.
      </p>
      {!canInfer ? (
        <p className="notice" role="status">
          The balancer runs without an inference service (--inference-addr), so there is nothing to prompt.
        </p>
      ) : null}
      {needsKey && inferenceUrl !== null ? (
        <SignInForm
          service="inference"
          check={(apiKey, signal) => checkInferenceAccess({ inferenceUrl, apiKey, signal })}
        />
      ) : null}
      {embeddingsMode ? (
        <p
          className="notice"
          role="status"
          data-testid="generation-disabled"
          data-source={embeddingsModeSource ?? undefined}
        >
          Token generation is disabled: the cluster is configured for embeddings. Turn embeddings off on the{" "}
          <Link href="/model">model page</Link> to chat.
        </p>
      ) : null}
      <figure className="chart prompt-throughput">
        <figcaption>
          <span className="chart-title">Tokens per second received here</span>
          <span className="chart-value">{(throughput.at(-1) ?? 0).toFixed(0)}</span>
        </figcaption>
        <Sparkline values={throughput} label="Tokens per second this chat received" height={32} />
      </figure>
      <section className="chat" aria-label="Chat">
        <ChatTranscript turns={chat.turns} />
        <form className="composer" onSubmit={submit}>
          <label htmlFor={ids.message}>Message</label>
          <textarea
            id={ids.message}
            name="message"
            rows={3}
            value={text}
            disabled={disabled}
            placeholder="Once upon a time… (Enter sends, Shift+Enter for a new line)"
            onChange={(event) => setText(event.target.value)}
            onKeyDown={onMessageKey}
          />
          <div className="composer-actions">
            {chat.streaming ? (
              <button type="button" className="danger" onClick={chat.stop}>
                Stop
              </button>
            ) : (
              <button
                type="submit"
                className="primary"
                disabled={disabled || text.trim() === "" || !!maxTokensError}
              >
                Send
              </button>
            )}
            <button type="button" onClick={chat.clear} disabled={chat.turns.length === 0}>
              Clear
            </button>
          </div>
          <details className="chat-settings">
            <summary>Settings</summary>
            <div className="field-grid">
              <div className="field">
                <label htmlFor={ids.system}>System prompt</label>
                <textarea
                  id={ids.system}
                  rows={2}
                  value={systemPrompt}
                  onChange={(event) => setSystemPrompt(event.target.value)}
                />
              </div>
              <div className={`field${maxTokensError ? " field-invalid" : ""}`}>
                <label htmlFor={ids.maxTokens}>Max tokens</label>
                <input
                  id={ids.maxTokens}
                  name="max_tokens"
                  type="text"
                  inputMode="numeric"
                  value={maxTokens}
                  aria-invalid={maxTokensError ? true : undefined}
                  aria-describedby={maxTokensError ? `${ids.maxTokens}-error` : undefined}
                  onChange={(event) => setMaxTokens(event.target.value)}
                />
                {maxTokensError ? (
                  <span id={`${ids.maxTokens}-error`} className="field-error">
                    {maxTokensError}
                  </span>
                ) : null}
              </div>
              <div className="field">
                <label className="checkbox" htmlFor={ids.thinking}>
                  <input
                    id={ids.thinking}
                    type="checkbox"
                    checked={enableThinking}
                    onChange={(event) => setEnableThinking(event.target.checked)}
                  />
                  Let the model think (enable_thinking)
                </label>
              </div>
            </div>
          </details>
        </form>
      </section>
    </>
  );
}
