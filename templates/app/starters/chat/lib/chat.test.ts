import { describe, expect, it } from "vitest";

import {
  failureText,
  MESSAGE_MAX,
  messageForm,
  newConversationForm,
  titleOf,
} from "./chat";

describe("the new conversation form", () => {
  it("takes an optional title, trimmed, and a provider the service knows", () => {
    expect(
      newConversationForm.parse({ title: "  Trip  ", provider: "echo" }),
    ).toEqual({ title: "Trip", provider: "echo" });
    expect(newConversationForm.parse({ title: "", provider: "echo" })).toEqual({
      title: "",
      provider: "echo",
    });
    expect(
      newConversationForm.safeParse({ title: "", provider: "eliza" }).success,
    ).toBe(false);
    expect(
      newConversationForm.safeParse({
        title: "x".repeat(201),
        provider: "echo",
      }).error?.issues[0]?.message,
    ).toBe("At most 200 characters");
  });
});

describe("the message form", () => {
  it("refuses a message of only spaces, and one longer than the service takes", () => {
    expect(messageForm.parse({ content: " hello\n" })).toEqual({
      content: "hello",
    });
    expect(
      messageForm.safeParse({ content: " \n " }).error?.issues[0]?.message,
    ).toBe("Write a message first");
    expect(
      messageForm.safeParse({ content: "x".repeat(MESSAGE_MAX + 1) }).success,
    ).toBe(false);
  });
});

describe("failureText", () => {
  it("says when to retry after a 429, and that the provider failed for a 502", () => {
    expect(failureText(429, null, "12")).toBe("Slow down: retry in 12 s.");
    expect(failureText(429, null, null)).toBe("Slow down: retry in a moment.");
    expect(failureText(502, { detail: "timeout" }, null)).toBe(
      "The AI provider failed: timeout. Try again.",
    );
  });

  it("shows the service's detail otherwise", () => {
    expect(
      failureText(422, { detail: [{ msg: "Field required" }] }, null),
    ).toBe("Field required");
    expect(failureText(500, null, null)).toBe(
      "The chat service answered 500. Try again.",
    );
  });
});

describe("titleOf", () => {
  it("names a conversation without a title", () => {
    expect(titleOf({ title: null })).toBe("Untitled conversation");
    expect(titleOf({ title: "Trip" })).toBe("Trip");
  });
});
