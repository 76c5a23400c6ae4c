import Markdown, { type Components } from "react-markdown";

/** Link schemes a reply may use; anything else (javascript:, data:, vbscript:, relative paths) loses its href. */
const allowedSchemes = new Set(["http:", "https:", "mailto:"]);

/** Keeps a URL only when it is absolute and of an allowed scheme. */
export function safeChatUrl(url: string): string | undefined {
  try {
    return allowedSchemes.has(new URL(url).protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}

const components: Components = {
  // A model's link leaves the panel in a new tab, without the panel as opener or referrer.
  a: ({ node: _node, children, href, ...rest }) =>
    href ? (
      <a {...rest} href={href} target="_blank" rel="noopener noreferrer nofollow">
        {children}
      </a>
    ) : (
      <span className="unsafe-link">{children}</span>
    ),
  // Not loaded: its alt text stands in.
  img: ({ alt }) => <span className="muted">[image{alt ? `: ${alt}` : ""}]</span>,
};

/**
 * A model's reply as Markdown, safely: no rehype-raw, so raw HTML in the reply shows as text;
 * images are not loaded (a reply could track whoever reads it); links only to http, https, mailto.
 */
export function ChatMarkdown({ text }: { text: string }) {
  return (
    <Markdown urlTransform={safeChatUrl} components={components}>
      {text}
    </Markdown>
  );
}
