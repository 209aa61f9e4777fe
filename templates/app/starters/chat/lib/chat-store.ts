/**
 * The chat's client state: the conversation list, each opened conversation's messages, and the
 * answer being streamed. Pages render what the server read; the store takes over from there, and
 * its actions call this app's /api/chat routes (app/api/chat/), which add the user's token: the
 * browser never holds it. One store per browser tab (components/chat/store.tsx), never shared on
 * the server between requests.
 */
import { createStore } from "zustand/vanilla";

import {
  type Conversation,
  detailOf,
  failureText,
  type Message,
  type NewConversation,
  providerFailedText,
} from "./chat";
import { readEvents } from "./sse";

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

export interface Streaming {
  conversationId: string;
  /** The answer so far, as its deltas arrived. */
  draft: string;
}

export interface ChatState {
  conversations: Conversation[];
  /** The messages of each conversation opened in this tab, oldest first. */
  messages: Record<string, Message[]>;
  currentId: string | null;
  streaming: Streaming | null;
  /** The last failure, for the user to read. */
  error: string | null;

  /** Opens a conversation with the messages the server read for it (none: nothing open). */
  selectConversation(id: string | null, messages?: Message[]): void;
  /** The new conversation (first in the list), or null when the service refused it (see `error`). */
  createConversation(fields: NewConversation): Promise<Conversation | null>;
  deleteConversation(id: string): Promise<boolean>;
  /**
   * Sends `content` to the open conversation and streams the answer in. False when the service
   * refused the message (nothing was stored: the user may send it again).
   */
  sendMessage(content: string): Promise<boolean>;
  appendDelta(content: string): void;
  /** Stops the answer being streamed; what arrived of it stays. */
  stop(): void;
  dismissError(): void;
}

const JSON_HEADERS = { "Content-Type": "application/json" };

export interface ChatStoreOptions {
  conversations?: Conversation[];
  /** This app's chat routes. */
  baseUrl?: string;
  fetch?: Fetch;
}

let localIds = 0;

/** A message shown before the service has stored it. */
function localMessage(
  conversationId: string,
  role: Message["role"],
  content: string,
): Message {
  localIds += 1;
  return {
    id: `local-${localIds}`,
    conversation_id: conversationId,
    role,
    content,
    created_at: new Date().toISOString(),
  };
}

async function failure(response: Response): Promise<string> {
  const body: unknown = await response.json().catch(() => null);
  return failureText(
    response.status,
    body,
    response.headers.get("Retry-After"),
  );
}

export function createChatStore({
  conversations = [],
  baseUrl = "/api/chat",
  fetch = (url, init) => globalThis.fetch(url, init),
}: ChatStoreOptions = {}) {
  // Stops the answer being streamed; outside the state, as nothing renders it.
  let controller: AbortController | null = null;

  return createStore<ChatState>()((set, get) => {
    const url = (path: string) => `${baseUrl}/conversations${path}`;

    /** The open conversation's messages, changed by `change`. */
    const updateMessages = (
      conversationId: string,
      change: (messages: Message[]) => Message[],
    ) =>
      set((state) => ({
        messages: {
          ...state.messages,
          [conversationId]: change(state.messages[conversationId] ?? []),
        },
      }));

    /** The conversation as the service has it now (its title, set from the first message). */
    const reload = async (conversationId: string) => {
      const response = await fetch(url(`/${conversationId}`)).catch(() => null);
      const fresh = response?.ok
        ? ((await response.json().catch(() => null)) as Conversation | null)
        : null;
      if (fresh) {
        set((state) => ({
          conversations: state.conversations.map((c) =>
            c.id === fresh.id ? fresh : c,
          ),
        }));
      }
    };

    /** Ends the stream: the answer (stored, or what arrived of it) replaces the draft. */
    const finish = (answer: Message | null) => {
      const streaming = get().streaming;
      if (!streaming) {
        return;
      }
      const { conversationId, draft } = streaming;
      const kept =
        answer ??
        (draft ? localMessage(conversationId, "assistant", draft) : null);
      if (kept) {
        updateMessages(conversationId, (messages) => [...messages, kept]);
      }
      set((state) => ({
        streaming: null,
        // The conversation just spoken in goes to the top, as the service sorts them.
        conversations: [
          ...state.conversations
            .filter((c) => c.id === conversationId)
            .map((c) => ({ ...c, updated_at: new Date().toISOString() })),
          ...state.conversations.filter((c) => c.id !== conversationId),
        ],
      }));
    };

    return {
      conversations,
      messages: {},
      currentId: null,
      streaming: null,
      error: null,

      selectConversation(id, messages) {
        set((state) => ({
          currentId: id,
          error: null,
          messages:
            id && messages && state.streaming?.conversationId !== id
              ? { ...state.messages, [id]: messages }
              : state.messages,
        }));
      },

      async createConversation({ title, provider }) {
        set({ error: null });
        const response = await fetch(url(""), {
          method: "POST",
          headers: JSON_HEADERS,
          body: JSON.stringify({
            title: title || undefined,
            ai_provider: provider,
          }),
        });
        if (!response.ok) {
          set({ error: await failure(response) });
          return null;
        }
        const conversation = (await response.json()) as Conversation;
        set((state) => ({
          conversations: [conversation, ...state.conversations],
          messages: { ...state.messages, [conversation.id]: [] },
        }));
        return conversation;
      },

      async deleteConversation(id) {
        set({ error: null });
        const response = await fetch(url(`/${id}`), { method: "DELETE" });
        // Gone already (404) is as good as deleted.
        if (!response.ok && response.status !== 404) {
          set({ error: await failure(response) });
          return false;
        }
        set((state) => {
          const messages = { ...state.messages };
          delete messages[id];
          return {
            conversations: state.conversations.filter((c) => c.id !== id),
            messages,
            currentId: state.currentId === id ? null : state.currentId,
          };
        });
        return true;
      },

      async sendMessage(content) {
        const conversationId = get().currentId;
        if (!conversationId || get().streaming) {
          return false;
        }
        const question = localMessage(conversationId, "user", content);
        updateMessages(conversationId, (messages) => [...messages, question]);
        set({ error: null, streaming: { conversationId, draft: "" } });
        const unsent = (error: string) => {
          updateMessages(conversationId, (messages) =>
            messages.filter((message) => message !== question),
          );
          set({ error, streaming: null });
          return false;
        };

        controller = new AbortController();
        const { signal } = controller;
        let response: Response;
        try {
          response = await fetch(url(`/${conversationId}/messages/stream`), {
            method: "POST",
            headers: { ...JSON_HEADERS, Accept: "text/event-stream" },
            body: JSON.stringify({ content }),
            signal,
          });
        } catch {
          return unsent(
            signal.aborted
              ? "Stopped before the service answered."
              : "The chat service cannot be reached. Try again.",
          );
        }
        if (!response.ok || !response.body) {
          return unsent(await failure(response));
        }
        let answer: Message | null = null;
        try {
          for await (const { event, data } of readEvents(response.body)) {
            if (event === "delta") {
              get().appendDelta(
                (JSON.parse(data) as { content: string }).content,
              );
            } else if (event === "done") {
              answer = JSON.parse(data) as Message;
            } else if (event === "error") {
              set({ error: providerFailedText(detailOf(parsed(data))) });
            }
          }
        } catch {
          if (!signal.aborted) {
            set({ error: "The answer broke off. Try again." });
          }
        } finally {
          controller = null;
          finish(answer);
        }
        if (!get().conversations.find((c) => c.id === conversationId)?.title) {
          await reload(conversationId);
        }
        return true;
      },

      appendDelta(content) {
        set((state) =>
          state.streaming
            ? {
                streaming: {
                  ...state.streaming,
                  draft: state.streaming.draft + content,
                },
              }
            : {},
        );
      },

      stop() {
        controller?.abort();
      },

      dismissError() {
        set({ error: null });
      },
    };
  });
}

function parsed(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return null;
  }
}

export type ChatStore = ReturnType<typeof createChatStore>;
