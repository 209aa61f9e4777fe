"use client";

import { useEffect, useRef } from "react";

import type { Message } from "../../lib/chat";

/** One message: the user's on the right, the assistant's on the left. */
export function MessageBubble({
  role,
  content,
  streaming = false,
}: Pick<Message, "role" | "content"> & { streaming?: boolean }) {
  const mine = role === "user";
  return (
    <li
      data-role={role}
      aria-busy={streaming || undefined}
      className={`flex ${mine ? "justify-end" : "justify-start"}`}
    >
      <div
        className={`max-w-[80%] whitespace-pre-wrap break-words rounded-lg px-4 py-2 text-sm ${
          mine ? "bg-primary text-primary-foreground" : "bg-muted"
        }`}
      >
        <span className="sr-only">{mine ? "You: " : "Assistant: "}</span>
        {content}
      </div>
    </li>
  );
}

/**
 * The conversation so far, oldest first, and the answer being streamed (`draft`, null when none):
 * kept scrolled to the newest text.
 */
export function MessageList({
  messages,
  draft,
}: {
  messages: Pick<Message, "id" | "role" | "content">[];
  draft: string | null;
}) {
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView({ block: "end" });
  }, [messages, draft]);
  return (
    <div className="flex flex-1 flex-col gap-3 overflow-y-auto py-4">
      {messages.length === 0 && draft === null ? (
        <p className="text-center text-sm text-muted-foreground">
          Nothing said yet: write the first message below.
        </p>
      ) : null}
      <ol aria-label="Messages" className="flex flex-col gap-3">
        {messages
          .filter((message) => message.role !== "system")
          .map((message) => (
            <MessageBubble
              key={message.id}
              role={message.role}
              content={message.content}
            />
          ))}
        {draft ? (
          <MessageBubble role="assistant" content={draft} streaming />
        ) : null}
      </ol>
      {draft !== null ? (
        <p role="status" className="text-sm text-muted-foreground">
          AI is typing…
        </p>
      ) : null}
      <div ref={end} />
    </div>
  );
}
