import { partialMatchAtEnd } from "./partial-match-at-end.js";

export type TokenKind = "content" | "reasoning" | "tool_call";

export interface ClassifiedText {
  kind: TokenKind;
  text: string;
}

export interface TokenClassifierOptions {
  /** Split `<think>…</think>` out as reasoning. */
  reasoning: boolean;
  /** Split `<tool_call>…</tool_call>` out as tool-call text. */
  toolCalls: boolean;
  /** The prompt already opened a `<think>` block (templates that force thinking do this). */
  startInReasoning: boolean;
}

const tags: Record<Exclude<TokenKind, "content">, { open: string; close: string }> = {
  reasoning: { open: "<think>", close: "</think>" },
  tool_call: { open: "<tool_call>", close: "</tool_call>" },
};

/**
 * Best-effort classification of streamed text by the tags most open models use (Qwen, DeepSeek,
 * Hermes style). Tags themselves are not emitted; a partial tag is held back until it resolves.
 */
export function createTokenClassifier({ reasoning, toolCalls, startInReasoning }: TokenClassifierOptions) {
  let mode: TokenKind = reasoning && startInReasoning ? "reasoning" : "content";
  let pending = "";
  const openTags = (Object.keys(tags) as Array<keyof typeof tags>).filter((kind) =>
    kind === "reasoning" ? reasoning : toolCalls,
  );

  return {
    get mode(): TokenKind {
      return mode;
    },
    push(chunk: string): ClassifiedText[] {
      pending += chunk;
      const out: ClassifiedText[] = [];
      for (;;) {
        const wanted =
          mode === "content"
            ? openTags.map((kind) => ({ tag: tags[kind].open, next: kind as TokenKind }))
            : [{ tag: tags[mode].close, next: "content" as TokenKind }];
        const found = earliest(pending, wanted);
        if (found) {
          emit(out, mode, pending.slice(0, found.index));
          pending = pending.slice(found.index + found.tag.length);
          mode = found.next;
          continue;
        }
        const keep = partialMatchAtEnd(
          pending,
          wanted.map((w) => w.tag),
        );
        emit(out, mode, pending.slice(0, pending.length - keep));
        pending = pending.slice(pending.length - keep);
        return out;
      }
    },
    flush(): ClassifiedText[] {
      const out: ClassifiedText[] = [];
      emit(out, mode, pending);
      pending = "";
      return out;
    },
  };
}

function emit(out: ClassifiedText[], kind: TokenKind, text: string): void {
  if (text !== "") out.push({ kind, text });
}

function earliest<T extends { tag: string }>(
  text: string,
  wanted: readonly T[],
): (T & { index: number }) | null {
  let best: (T & { index: number }) | null = null;
  for (const candidate of wanted) {
    const index = text.indexOf(candidate.tag);
    if (index !== -1 && (best === null || index < best.index)) best = { ...candidate, index };
  }
  return best;
}
