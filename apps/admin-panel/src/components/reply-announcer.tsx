import type { ReactNode } from "react";
import type { ChatTurn } from "../prompt/chat-turn.js";
import { ChatMarkdown } from "./chat-markdown.js";

/** What a screen reader hears when a reply ends; nothing while it streams (token by token is noise). */
function announcement(turn: ChatTurn | undefined): ReactNode {
  if (turn?.role !== "assistant") return null;
  switch (turn.status) {
    case "done":
      return (
        <>
          The model replied: <ChatMarkdown text={turn.content} />
        </>
      );
    case "stopped":
      return (
        <>
          Reply stopped: <ChatMarkdown text={turn.content} />
        </>
      );
    case "error":
      return `The reply failed: ${turn.error ?? "unknown error"}`;
    default:
      return null;
  }
}

/**
 * A polite live region, read as the reply renders (Markdown, not its asterisks), always in the page (a region added together with its text is not read),
 * that reads out the last reply once it has ended.
 */
export function ReplyAnnouncer({ turns }: { turns: readonly ChatTurn[] }) {
  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="reply-announcer">
      {announcement(turns.at(-1))}
    </div>
  );
}
