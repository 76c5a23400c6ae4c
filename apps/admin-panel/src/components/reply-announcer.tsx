import type { ChatTurn } from "../prompt/chat-turn.js";

/** What a screen reader hears when a reply ends; nothing while it streams (token by token is noise). */
function announcement(turn: ChatTurn | undefined): string {
  if (turn?.role !== "assistant") return "";
  switch (turn.status) {
    case "done":
      return `The model replied: ${turn.content}`;
    case "stopped":
      return `Reply stopped: ${turn.content}`;
    case "error":
      return `The reply failed: ${turn.error ?? "unknown error"}`;
    default:
      return "";
  }
}

/**
 * A polite live region, always in the page (a region added together with its text is not read),
 * that reads out the last reply once it has ended.
 */
export function ReplyAnnouncer({ turns }: { turns: readonly ChatTurn[] }) {
  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="reply-announcer">
      {announcement(turns.at(-1))}
    </div>
  );
}
