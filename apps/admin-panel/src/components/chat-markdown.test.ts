import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ChatMarkdown, safeChatUrl } from "./chat-markdown.js";

const render = (text: string) => renderToStaticMarkup(createElement(ChatMarkdown, { text }));

describe("ChatMarkdown", () => {
  it("renders Markdown: bold, lists, code", () => {
    const html = render("Some **bold** text\n\n- one\n- two\n\n`code`");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<li>one</li>");
    expect(html).toContain("<code>code</code>");
  });
  it("shows raw HTML as text, never as elements", () => {
    const html = render('<img src=x onerror="alert(1)">\n\nand <script>alert(2)</script> inline');
    expect(html).not.toMatch(/<img|<script/);
    expect(html).toContain("&lt;img src=x onerror=");
    expect(html).toContain("&lt;script&gt;");
  });
  it("keeps http, https and mailto links and drops the href of any other", () => {
    const html = render(
      "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](data:text/html,x) [d](/relative) " +
        "[e](https://example.com/x) [f](mailto:a@example.com)",
    );
    expect(html).not.toMatch(/javascript:|data:|href="\/relative"/i);
    expect(html).toContain('href="https://example.com/x"');
    expect(html).toContain('href="mailto:a@example.com"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
  });
  it("loads no image, even from an allowed URL: its alt text stands in", () => {
    const html = render("![a cat](https://example.com/cat.png)");
    expect(html).not.toContain("<img");
    expect(html).toContain("[image: a cat]");
  });
  it("allows only absolute http, https and mailto URLs", () => {
    expect(safeChatUrl("http://a.example")).toBe("http://a.example");
    expect(safeChatUrl(" javascript:alert(1)")).toBeUndefined();
    expect(safeChatUrl("vbscript:x")).toBeUndefined();
    expect(safeChatUrl("#top")).toBeUndefined();
  });
});
