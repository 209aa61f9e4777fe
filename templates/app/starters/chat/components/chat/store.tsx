"use client";

import { createContext, type ReactNode, useContext, useState } from "react";
import { useStore } from "zustand";

import type { Conversation } from "../../lib/chat";
import {
  type ChatState,
  type ChatStore,
  createChatStore,
} from "../../lib/chat-store";

const ChatStoreContext = createContext<ChatStore | null>(null);

/**
 * The chat's store for everything under /chat, started with the conversations the server read.
 * One per tab: a module-level store would be shared by every request the server renders.
 */
export function ChatStoreProvider({
  conversations,
  children,
}: {
  conversations: Conversation[];
  children: ReactNode;
}) {
  const [store] = useState(() => createChatStore({ conversations }));
  return <ChatStoreContext value={store}>{children}</ChatStoreContext>;
}

/** What `select` picks of the chat's state; re-renders when that changes. */
export function useChatStore<T>(select: (state: ChatState) => T): T {
  const store = useContext(ChatStoreContext);
  if (!store) {
    throw new Error("useChatStore needs a <ChatStoreProvider> above it");
  }
  return useStore(store, select);
}
