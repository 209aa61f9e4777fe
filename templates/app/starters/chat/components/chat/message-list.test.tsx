import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { MessageBubble, MessageList } from "./message-list";

describe("MessageBubble", () => {
  it("puts the user's messages on the right and the assistant's on the left", () => {
    const mine = renderToStaticMarkup(
      <MessageBubble role="user" content="hello" />,
    );
    expect(mine).toMatch(/^<li data-role="user" class="flex justify-end">/);
    const answer = renderToStaticMarkup(
      <MessageBubble role="assistant" content="hi" />,
    );
    expect(answer).toMatch(
      /^<li data-role="assistant" class="flex justify-start">/,
    );
  });

  it("shows text as text, never as markup", () => {
    const html = renderToStaticMarkup(
      <MessageBubble role="assistant" content="<script>alert(1)</script>" />,
    );
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });
});

describe("MessageList", () => {
  const messages = [
    { id: "1", role: "user" as const, content: "hello" },
    { id: "2", role: "assistant" as const, content: "Echo: hello" },
  ];

  it("says the AI is typing while an answer streams in, with what arrived so far", () => {
    const html = renderToStaticMarkup(
      <MessageList messages={messages} draft="Echo: he" />,
    );
    expect(html).toContain("AI is typing…");
    expect(html).toContain('aria-busy="true"');
    expect(html).toContain("Echo: he");
  });

  it("shows the messages in order, and no typing once the answer is in", () => {
    const html = renderToStaticMarkup(
      <MessageList messages={messages} draft={null} />,
    );
    expect(html.indexOf("hello")).toBeLessThan(html.indexOf("Echo: hello"));
    expect(html).not.toContain("AI is typing");
  });
});
