"use client";

import Link from "next/link";

import { type Conversation, titleOf } from "../../lib/chat";
import { useChatStore } from "./store";

export function ConversationItem({
  conversation,
  current,
}: {
  conversation: Conversation;
  current: boolean;
}) {
  return (
    <li>
      <Link
        href={`/chat/${conversation.id}`}
        aria-current={current ? "page" : undefined}
        className={`block truncate rounded-md px-3 py-2 text-sm hover:bg-muted ${
          current ? "bg-muted font-medium" : "text-muted-foreground"
        }`}
      >
        {titleOf(conversation)}
      </Link>
    </li>
  );
}

/** The user's conversations, the one spoken in last first. */
export function ConversationList() {
  const conversations = useChatStore((state) => state.conversations);
  const currentId = useChatStore((state) => state.currentId);
  if (conversations.length === 0) {
    return (
      <p className="px-3 text-sm text-muted-foreground">
        No conversations yet.
      </p>
    );
  }
  return (
    <ul aria-label="Conversations" className="flex flex-col gap-1">
      {conversations.map((conversation) => (
        <ConversationItem
          key={conversation.id}
          conversation={conversation}
          current={conversation.id === currentId}
        />
      ))}
    </ul>
  );
}
