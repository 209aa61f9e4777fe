"use client";

import { useChatStore } from "./store";

/** The last failure (a refused message, a failed provider, a lost session), until dismissed. */
export function ChatAlert() {
  const error = useChatStore((state) => state.error);
  const dismissError = useChatStore((state) => state.dismissError);
  if (!error) {
    return null;
  }
  return (
    <div
      role="alert"
      className="flex items-start justify-between gap-4 rounded-md border border-destructive/50 p-3 text-sm text-destructive"
    >
      <span>{error}</span>
      <button
        type="button"
        onClick={dismissError}
        className="underline underline-offset-4"
      >
        Dismiss
      </button>
    </div>
  );
}
