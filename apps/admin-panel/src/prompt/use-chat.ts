import type { ConversationMessage, PaddlerClient } from "@paddler/client";
import { useCallback, useEffect, useRef, useState } from "react";
import type { MetricsHistory } from "../live/metrics-history.js";
import { type ChatTurn, replyStep } from "./chat-turn.js";

export interface SendOptions {
  systemPrompt: string;
  text: string;
  enableThinking: boolean;
  maxTokens: number;
}

export interface Chat {
  turns: readonly ChatTurn[];
  streaming: boolean;
  /** Set when the cluster answered that token generation is disabled (embeddings mode). */
  generationDisabled: boolean;
  send(options: SendOptions): void;
  stop(): void;
  clear(): void;
}

let nextTurnId = 0;
const turnId = () => `turn-${++nextTurnId}`;

/**
 * A chat over the inference socket. Tokens are gathered in a ref and drawn once per frame, so a
 * fast model does not re-render the page for every token. Stop aborts the stream; the client then
 * sends StopRespondingTo for the request.
 */
export function useChat(
  client: PaddlerClient,
  history: MetricsHistory,
  /** Called when a reply fails (not when it is stopped), e.g. to check the inference key again. */
  onFailure?: (error: unknown) => void,
): Chat {
  const [turns, setTurns] = useState<ChatTurn[]>([]);
  const [streaming, setStreaming] = useState(false);
  const [generationDisabled, setGenerationDisabled] = useState(false);
  const abortRef = useRef<AbortController | null>(null);

  useEffect(() => () => abortRef.current?.abort(), []);

  const send = useCallback(
    ({ systemPrompt, text, enableThinking, maxTokens }: SendOptions) => {
      if (abortRef.current) return;
      const user: ChatTurn = { id: turnId(), role: "user", content: text, reasoning: "", status: "done" };
      const reply: ChatTurn = {
        id: turnId(),
        role: "assistant",
        content: "",
        reasoning: "",
        status: "waiting",
      };
      const conversation: ConversationMessage[] = [
        ...(systemPrompt.trim() ? [{ role: "system", content: systemPrompt }] : []),
        ...turns
          .filter((turn) => turn.status === "done" || turn.status === "stopped")
          .map((turn) => ({ role: turn.role, content: turn.content })),
        { role: "user", content: text },
      ];
      setTurns((current) => [...current, user, reply]);
      setStreaming(true);
      const controller = new AbortController();
      abortRef.current = controller;

      const draft = { ...reply };
      let frame: number | null = null;
      const flush = () => {
        frame = null;
        const snapshot = { ...draft };
        setTurns((current) => current.map((turn) => (turn.id === snapshot.id ? snapshot : turn)));
      };
      const scheduleFlush = () => {
        frame ??= requestAnimationFrame(flush);
      };

      void (async () => {
        try {
          const stream = client.inference.socket.continueFromConversationHistory(
            {
              add_generation_prompt: true,
              conversation_history: conversation,
              enable_thinking: enableThinking,
              max_tokens: maxTokens,
            },
            { signal: controller.signal },
          );
          for await (const message of stream) {
            const step = replyStep(message);
            if (step.kind === "content" || step.kind === "reasoning") {
              draft.status = "streaming";
              if (step.kind === "content") draft.content += step.text;
              else draft.reasoning += step.text;
              history.recordTokens(1);
              scheduleFlush();
            } else if (step.kind === "done") {
              Object.assign(draft, { status: "done", usage: step.usage, generatedBy: step.generatedBy });
              break;
            } else if (step.kind === "error") {
              Object.assign(draft, { status: "error", error: step.message });
              break;
            } else if (step.kind === "generation-disabled") {
              setGenerationDisabled(true);
              Object.assign(draft, {
                status: "error",
                error: "Token generation is disabled: the cluster is in embeddings mode.",
              });
              break;
            }
          }
          if (draft.status === "waiting" || draft.status === "streaming") {
            Object.assign(draft, { status: "error", error: "The stream ended before the reply was done." });
          }
        } catch (error) {
          if (controller.signal.aborted) draft.status = "stopped";
          else {
            Object.assign(draft, {
              status: "error",
              error: redactAccessToken(error instanceof Error ? error.message : String(error)),
            });
            onFailure?.(error);
          }
        } finally {
          if (frame !== null) cancelAnimationFrame(frame);
          flush();
          abortRef.current = null;
          setStreaming(false);
        }
      })();
    },
    [client, history, turns, onFailure],
  );

  return {
    turns,
    streaming,
    generationDisabled,
    send,
    stop: () => abortRef.current?.abort(),
    clear: () => {
      abortRef.current?.abort();
      setTurns([]);
    },
  };
}

/** A failed socket's message names its URL, with the API key in `access_token`: keep it off the page. */
export function redactAccessToken(message: string): string {
  return message.replace(/([?&]access_token=)[^&\s'"]*/g, "$1…");
}
