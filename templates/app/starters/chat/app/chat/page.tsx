import type { Metadata } from "next";

import { NewConversationForm } from "../../components/chat/new-conversation-form";

export const metadata: Metadata = { title: "Chat" };

export default function ChatPage() {
  return (
    <section className="flex max-w-sm flex-col gap-4">
      <h1 className="text-3xl font-bold tracking-tight">New conversation</h1>
      <p className="text-muted-foreground">
        Pick a provider and start: your conversations are listed on the side.
      </p>
      <NewConversationForm />
    </section>
  );
}
