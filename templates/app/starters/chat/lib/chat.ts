/**
 * What the chat UI works with: the service's conversations and messages (as much of them as the
 * UI shows), the forms' rules as Zod schemas, and what to tell the user when a request fails.
 * Client code imports this, so it imports nothing of the server.
 */
import { z } from "zod";

export interface Conversation {
  id: string;
  title: string | null;
  ai_provider: string;
  ai_model: string | null;
  created_at: string;
  updated_at: string;
}

export interface Message {
  id: string;
  conversation_id: string;
  role: "user" | "assistant" | "system";
  content: string;
  created_at: string;
}

/**
 * The providers the service knows (its ai/base.py, PROVIDER_NAMES); `echo` answers offline (it
 * repeats what you wrote), the others need the service's OPENAI_API_KEY or ANTHROPIC_API_KEY.
 */
export const PROVIDERS = [
  { id: "echo", label: "Echo (offline, repeats you)" },
  { id: "openai", label: "OpenAI" },
  { id: "anthropic", label: "Anthropic" },
] as const;

export type Provider = (typeof PROVIDERS)[number]["id"];

// The service's limits (services/<auth service>/src/<module>/chat/models.py).
export const TITLE_MAX = 200;
export const MESSAGE_MAX = 32_000;

export const newConversationForm = z.object({
  title: z.string().trim().max(TITLE_MAX, `At most ${TITLE_MAX} characters`),
  provider: z.enum(PROVIDERS.map((provider) => provider.id)),
});

export type NewConversation = z.infer<typeof newConversationForm>;

export const messageForm = z.object({
  content: z
    .string()
    .trim()
    .min(1, "Write a message first")
    .max(MESSAGE_MAX, `At most ${MESSAGE_MAX} characters`),
});

export type MessageFields = z.infer<typeof messageForm>;

/** What a conversation is called in the list and its header. */
export function titleOf(conversation: Pick<Conversation, "title">): string {
  return conversation.title?.trim() || "Untitled conversation";
}

/** FastAPI's `detail` (a string, or a list of field errors), when the answer has one. */
export function detailOf(body: unknown): string | null {
  const detail = (body as { detail?: unknown } | null | undefined)?.detail;
  if (typeof detail === "string") {
    return detail;
  }
  if (Array.isArray(detail)) {
    const first = detail[0] as { msg?: unknown } | undefined;
    if (typeof first?.msg === "string") {
      return first.msg;
    }
  }
  return null;
}

/** What to tell the user when the service refused or failed a request, by its status. */
export function failureText(
  status: number,
  body: unknown,
  retryAfter: string | null,
): string {
  const detail = detailOf(body);
  switch (status) {
    case 401:
      return "Your session has ended: sign in again.";
    case 404:
      return "This conversation does not exist (any more).";
    case 429: {
      const seconds = Number.parseInt(retryAfter ?? "", 10);
      return Number.isFinite(seconds)
        ? `Slow down: retry in ${seconds} s.`
        : "Slow down: retry in a moment.";
    }
    case 502:
      return providerFailedText(detail);
    default:
      return detail ?? `The chat service answered ${status}. Try again.`;
  }
}

export function providerFailedText(detail: string | null): string {
  return `The AI provider failed${detail ? `: ${detail}` : ""}. Try again.`;
}
