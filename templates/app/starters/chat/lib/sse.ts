/**
 * Server-sent events (text/event-stream) read from a fetch body: what the chat service streams an
 * answer as. The browser's EventSource cannot POST, so this parses the stream itself. A network
 * chunk can end anywhere, in the middle of an event, a line or a CRLF, so only whole events are
 * handed out; an event the stream ends in the middle of is dropped, as EventSource drops it.
 */
export interface SseEvent {
  /** The `event:` field, "message" when the event has none. */
  event: string;
  /** The `data:` lines, joined by newlines. */
  data: string;
}

export class SseParser {
  private partialLine = "";
  private afterCarriageReturn = false;
  private event = "";
  private data: string[] = [];

  /** The events that `chunk` completes, in order. */
  push(chunk: string): SseEvent[] {
    // A CRLF split between two chunks is one line break, not two (which would end the event).
    if (this.afterCarriageReturn && chunk.startsWith("\n")) {
      chunk = chunk.slice(1);
    }
    this.afterCarriageReturn = chunk.endsWith("\r");
    const lines = (this.partialLine + chunk).split(/\r\n|\r|\n/);
    this.partialLine = lines.pop() ?? "";
    const events: SseEvent[] = [];
    for (const line of lines) {
      const event = this.line(line);
      if (event) {
        events.push(event);
      }
    }
    return events;
  }

  private line(line: string): SseEvent | null {
    if (line === "") {
      const event =
        this.data.length > 0
          ? { event: this.event || "message", data: this.data.join("\n") }
          : null;
      this.event = "";
      this.data = [];
      return event;
    }
    if (line.startsWith(":")) {
      return null; // a comment: a keep-alive
    }
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) {
      value = value.slice(1);
    }
    if (field === "event") {
      this.event = value;
    } else if (field === "data") {
      this.data.push(value);
    }
    return null;
  }
}

/** The events of `body` as they arrive; stops reading (and cancels the body) when the loop ends early. */
export async function* readEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<SseEvent> {
  const parser = new SseParser();
  // `stream: true`: a character whose bytes two chunks share is decoded once both have arrived.
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        yield* parser.push(decoder.decode());
        return;
      }
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
