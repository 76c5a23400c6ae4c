import type { ChatTurn } from "../prompt/chat-turn.js";
import { ChatMarkdown } from "./chat-markdown.js";
import { ReplyAnnouncer } from "./reply-announcer.js";

const statusLabel: Record<ChatTurn["status"], string> = {
  waiting: "waiting for a slot…",
  streaming: "writing…",
  done: "done",
  stopped: "stopped",
  error: "failed",
};

/** The conversation; thinking is shown apart from the answer, in a collapsible block. */
export function ChatTranscript({ turns }: { turns: readonly ChatTurn[] }) {
  return (
    <>
      <ReplyAnnouncer turns={turns} />
      {turns.length === 0 ? (
        <p className="muted transcript-empty">Nothing yet. Write a message below.</p>
      ) : (
        <Turns turns={turns} />
      )}
    </>
  );
}

function Turns({ turns }: { turns: readonly ChatTurn[] }) {
  return (
    <ol className="transcript" aria-label="Conversation">
      {turns.map((turn) => (
        <li
          key={turn.id}
          className={`turn turn-${turn.role}`}
          data-status={turn.status}
          data-role={turn.role}
          aria-busy={turn.status === "waiting" || turn.status === "streaming"}
        >
          <div className="turn-head">
            <span className="turn-role">{turn.role === "user" ? "You" : "Model"}</span>
            {turn.role === "assistant" ? (
              <span className={`turn-status status-${turn.status}`} data-testid="turn-status">
                {statusLabel[turn.status]}
                {turn.generatedBy ? ` · by ${turn.generatedBy}` : ""}
                {turn.usage
                  ? ` · ${turn.usage.prompt_tokens} prompt + ${turn.usage.content_tokens + turn.usage.reasoning_tokens} generated tokens`
                  : ""}
              </span>
            ) : null}
          </div>
          {turn.reasoning ? (
            <details className="reasoning" open={turn.status === "streaming" && turn.content === ""}>
              <summary>Thinking ({turn.reasoning.length} characters)</summary>
              <p data-testid="turn-reasoning">{turn.reasoning}</p>
            </details>
          ) : null}
          {turn.role === "assistant" ? (
            <div className="turn-content markdown" data-testid="reply-content">
              <ChatMarkdown text={turn.content} />
              {turn.status === "streaming" ? <span className="cursor" aria-hidden="true" /> : null}
            </div>
          ) : (
            <p className="turn-content">{turn.content}</p>
          )}
          {turn.error ? (
            <p className="error" role="alert">
              {turn.error}
            </p>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
