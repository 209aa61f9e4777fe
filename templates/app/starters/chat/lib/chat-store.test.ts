import { describe, expect, it, vi } from "vitest";

import type { Conversation, Message } from "./chat";
import { createChatStore, type Fetch } from "./chat-store";

const ID = "0b7e4c1a-5f3d-4e2b-9c8a-1d2e3f4a5b6c";

function conversation(id: string, title: string | null): Conversation {
  return {
    id,
    title,
    ai_provider: "echo",
    ai_model: null,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
  };
}

function message(id: string, role: Message["role"], content: string): Message {
  return {
    id,
    conversation_id: ID,
    role,
    content,
    created_at: "2026-01-01T00:00:00Z",
  };
}

const json = (status: number, body: unknown, headers: HeadersInit = {}) =>
  new Response(body === null ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });

/** An event stream that arrives in `chunks`, each a moment after the last. */
function eventStream(chunks: string[]): Response {
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream({
      async pull(controller) {
        const chunk = chunks.shift();
        if (chunk === undefined) {
          controller.close();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
        controller.enqueue(encoder.encode(chunk));
      },
    }),
    { status: 200, headers: { "Content-Type": "text/event-stream" } },
  );
}

/**
 * A store whose requests `answer` answers; `fetch` records them. It lists `conversations`: by
 * default one with a title (a conversation without one is reloaded after its first answer).
 */
function storeAnswering(
  answer: (url: string, init?: RequestInit) => Response,
  conversations = [conversation("older", "Older"), conversation(ID, "Mine")],
) {
  const fetch = vi.fn<Fetch>(async (url, init) => answer(url, init));
  const store = createChatStore({ conversations, fetch });
  return { store, fetch };
}

describe("the chat store", () => {
  it("creates a conversation at the top of the list, with no messages", async () => {
    const created = conversation(ID, "Trip to Lisbon");
    const { store, fetch } = storeAnswering(
      () => json(201, created),
      [conversation("older", "Older")],
    );
    const result = await store
      .getState()
      .createConversation({ title: "Trip to Lisbon", provider: "echo" });
    expect(result).toEqual(created);
    expect(fetch).toHaveBeenCalledWith("/api/chat/conversations", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ title: "Trip to Lisbon", ai_provider: "echo" }),
    });
    expect(store.getState().conversations.map((c) => c.id)).toEqual([
      ID,
      "older",
    ]);
    expect(store.getState().messages[ID]).toEqual([]);
  });

  it("sends no title when none was given, so the service picks one", async () => {
    const { store, fetch } = storeAnswering(
      () => json(201, conversation(ID, null)),
      [],
    );
    await store.getState().createConversation({ title: "", provider: "echo" });
    expect(fetch.mock.calls[0]?.[1]?.body).toBe(
      JSON.stringify({ ai_provider: "echo" }),
    );
  });

  it("streams an answer in, then keeps the message the service stored", async () => {
    const stored = message("m2", "assistant", "Echo: hello");
    const { store, fetch } = storeAnswering(() =>
      eventStream([
        'event: delta\ndata: {"content": "Echo"}\n\nevent: del',
        'ta\ndata: {"content": ": hel"}\n\n',
        'event: delta\ndata: {"content": "lo"}\n\n',
        `event: done\ndata: ${JSON.stringify(stored)}\n\n`,
      ]),
    );
    store.getState().selectConversation(ID, [message("m0", "user", "earlier")]);
    const drafts: string[] = [];
    const unsubscribe = store.subscribe((state) => {
      if (state.streaming && drafts.at(-1) !== state.streaming.draft) {
        drafts.push(state.streaming.draft);
      }
    });

    expect(await store.getState().sendMessage("hello")).toBe(true);
    unsubscribe();

    expect(fetch.mock.calls[0]?.[0]).toBe(
      `/api/chat/conversations/${ID}/messages/stream`,
    );
    expect(drafts).toEqual(["", "Echo", "Echo: hel", "Echo: hello"]);
    const state = store.getState();
    expect(state.streaming).toBeNull();
    expect(state.error).toBeNull();
    expect(state.messages[ID]?.map((m) => [m.role, m.content])).toEqual([
      ["user", "earlier"],
      ["user", "hello"],
      ["assistant", "Echo: hello"],
    ]);
    expect(state.messages[ID]?.at(-1)).toEqual(stored);
  });

  it("moves the conversation spoken in to the top of the list", async () => {
    const { store } = storeAnswering(() =>
      eventStream([
        `event: done\ndata: ${JSON.stringify(message("m", "assistant", "hi"))}\n\n`,
      ]),
    );
    store.setState({
      conversations: [conversation("older", "Older"), conversation(ID, "Mine")],
    });
    store.getState().selectConversation(ID, []);
    await store.getState().sendMessage("hi");
    expect(store.getState().conversations.map((c) => c.id)).toEqual([
      ID,
      "older",
    ]);
  });

  it("takes the title the service gave a conversation after its first answer", async () => {
    const { store, fetch } = storeAnswering(
      (url) =>
        url.endsWith("/stream")
          ? eventStream([
              `event: done\ndata: ${JSON.stringify(message("m", "assistant", "Echo: hi"))}\n\n`,
            ])
          : json(200, conversation(ID, "hi")),
      [conversation(ID, null)],
    );
    store.getState().selectConversation(ID, []);
    await store.getState().sendMessage("hi");
    expect(fetch.mock.calls.map(([url]) => url)).toEqual([
      `/api/chat/conversations/${ID}/messages/stream`,
      `/api/chat/conversations/${ID}`,
    ]);
    expect(store.getState().conversations[0]?.title).toBe("hi");
  });

  it("says when to retry after a 429, and takes back the message it could not send", async () => {
    const { store } = storeAnswering(() =>
      json(429, { detail: "Too many messages" }, { "Retry-After": "17" }),
    );
    store.getState().selectConversation(ID, []);
    expect(await store.getState().sendMessage("hello")).toBe(false);
    expect(store.getState().error).toBe("Slow down: retry in 17 s.");
    expect(store.getState().messages[ID]).toEqual([]);
    expect(store.getState().streaming).toBeNull();
  });

  it("says the provider failed, for a 502 and for an error event in the stream", async () => {
    const refused = storeAnswering(() =>
      json(502, { detail: "upstream timeout" }),
    );
    refused.store.getState().selectConversation(ID, []);
    await refused.store.getState().sendMessage("hello");
    expect(refused.store.getState().error).toBe(
      "The AI provider failed: upstream timeout. Try again.",
    );

    const broken = storeAnswering(() =>
      eventStream(['event: error\ndata: {"detail": "quota exceeded"}\n\n']),
    );
    broken.store.getState().selectConversation(ID, []);
    expect(await broken.store.getState().sendMessage("hello")).toBe(true);
    expect(broken.store.getState().error).toBe(
      "The AI provider failed: quota exceeded. Try again.",
    );
    expect(broken.store.getState().streaming).toBeNull();
  });

  it("keeps what arrived of an answer when the user stops it", async () => {
    const { store } = storeAnswering((_url, init) => {
      const encoder = new TextEncoder();
      return new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(
              encoder.encode('event: delta\ndata: {"content": "Part"}\n\n'),
            );
            init?.signal?.addEventListener("abort", () =>
              controller.error(new DOMException("aborted", "AbortError")),
            );
          },
        }),
        { status: 200, headers: { "Content-Type": "text/event-stream" } },
      );
    });
    store.getState().selectConversation(ID, []);
    const sending = store.getState().sendMessage("tell me everything");
    await vi.waitFor(() =>
      expect(store.getState().streaming?.draft).toBe("Part"),
    );
    store.getState().stop();
    expect(await sending).toBe(true);
    expect(store.getState().error).toBeNull();
    expect(store.getState().streaming).toBeNull();
    expect(store.getState().messages[ID]?.map((m) => m.content)).toEqual([
      "tell me everything",
      "Part",
    ]);
  });

  it("sends one message at a time", async () => {
    const { store, fetch } = storeAnswering(() => eventStream([]));
    store.getState().selectConversation(ID, []);
    const first = store.getState().sendMessage("one");
    expect(await store.getState().sendMessage("two")).toBe(false);
    await first;
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("deletes a conversation from the list and closes it", async () => {
    const { store, fetch } = storeAnswering(() => json(204, null));
    store.setState({ conversations: [conversation(ID, "Mine")] });
    store.getState().selectConversation(ID, []);
    expect(await store.getState().deleteConversation(ID)).toBe(true);
    expect(fetch).toHaveBeenCalledWith(`/api/chat/conversations/${ID}`, {
      method: "DELETE",
    });
    expect(store.getState().conversations).toEqual([]);
    expect(store.getState().currentId).toBeNull();
    expect(store.getState().messages).toEqual({});
  });

  it("asks to sign in again when the session has ended", async () => {
    const { store } = storeAnswering(() =>
      json(401, { detail: "Sign in again" }),
    );
    expect(
      await store
        .getState()
        .createConversation({ title: "", provider: "echo" }),
    ).toBeNull();
    expect(store.getState().error).toBe(
      "Your session has ended: sign in again.",
    );
  });
});
