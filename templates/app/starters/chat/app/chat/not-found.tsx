import Link from "next/link";

export default function ConversationNotFound() {
  return (
    <section className="flex flex-col gap-3">
      <h1 className="text-3xl font-bold tracking-tight">
        Conversation not found
      </h1>
      <p className="text-muted-foreground">
        It does not exist, or it is not yours.
      </p>
      <Link href="/chat" className="underline underline-offset-4">
        Start a new conversation
      </Link>
    </section>
  );
}
