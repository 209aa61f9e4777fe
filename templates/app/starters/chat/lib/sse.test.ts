import { describe, expect, it } from "vitest";

import { readEvents, SseParser, type SseEvent } from "./sse";

const STREAM =
  'event: delta\ndata: {"content": "Hel"}\n\n' +
  'event: delta\ndata: {"content": "lo"}\n\n' +
  'event: done\ndata: {"id": "m1", "content": "Hello"}\n\n';

const EVENTS: SseEvent[] = [
  { event: "delta", data: '{"content": "Hel"}' },
  { event: "delta", data: '{"content": "lo"}' },
  { event: "done", data: '{"id": "m1", "content": "Hello"}' },
];

/** Every event the parser hands out for `chunks`, fed one after the other. */
function parse(chunks: string[]): SseEvent[] {
  const parser = new SseParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
}

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) {
        controller.enqueue(encoder.encode(chunk));
      }
      controller.close();
    },
  });
}

describe("SseParser", () => {
  it("hands out every event of one chunk, in order", () => {
    expect(parse([STREAM])).toEqual(EVENTS);
  });

  it("gives the same events wherever the chunks split the stream", () => {
    for (let split = 1; split < STREAM.length; split++) {
      expect(
        parse([STREAM.slice(0, split), STREAM.slice(split)]),
        `split at ${split}`,
      ).toEqual(EVENTS);
    }
    expect(parse([...STREAM])).toEqual(EVENTS);
  });

  it("hands out an event only once its blank line has arrived", () => {
    const parser = new SseParser();
    expect(parser.push('event: done\ndata: {"id": "m1"}\n')).toEqual([]);
    expect(parser.push("\n")).toEqual([
      { event: "done", data: '{"id": "m1"}' },
    ]);
  });

  it("reads CRLF line breaks, also split between two chunks", () => {
    const crlf = STREAM.replaceAll("\n", "\r\n");
    const at = crlf.indexOf("\r\n") + 1;
    expect(parse([crlf.slice(0, at), crlf.slice(at)])).toEqual(EVENTS);
    expect(parse(["event: delta\r", "\ndata: x\r\n\r\n"])).toEqual([
      { event: "delta", data: "x" },
    ]);
  });

  it("joins data lines, skips comments and calls an event without a name a message", () => {
    expect(
      parse([": keep-alive\n\ndata: one\ndata:two\n\nevent: error\n\n"]),
    ).toEqual([{ event: "message", data: "one\ntwo" }]);
  });

  it("reads an error event like any other", () => {
    expect(
      parse(['event: error\ndata: {"detail": "The provider failed"}\n\n']),
    ).toEqual([{ event: "error", data: '{"detail": "The provider failed"}' }]);
  });
});

describe("readEvents", () => {
  it("yields the events of a fetch body, split in bytes anywhere", async () => {
    const events: SseEvent[] = [];
    for await (const event of readEvents(
      streamOf([STREAM.slice(0, 7), STREAM.slice(7, 40), STREAM.slice(40)]),
    )) {
      events.push(event);
    }
    expect(events).toEqual(EVENTS);
  });

  it("decodes a character whose bytes two chunks share", async () => {
    const bytes = new TextEncoder().encode(
      'event: delta\ndata: {"content": "café ☕"}\n\n',
    );
    const cut = bytes.indexOf(0xe2) + 1; // inside the three bytes of ☕
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, cut));
        controller.enqueue(bytes.slice(cut));
        controller.close();
      },
    });
    const events: SseEvent[] = [];
    for await (const event of readEvents(body)) {
      events.push(event);
    }
    expect(events).toEqual([
      { event: "delta", data: '{"content": "café ☕"}' },
    ]);
  });

  it("drops an event the stream ends in the middle of", async () => {
    const events: SseEvent[] = [];
    for await (const event of readEvents(
      streamOf([STREAM, 'event: delta\ndata: {"content": "cut']),
    )) {
      events.push(event);
    }
    expect(events).toEqual(EVENTS);
  });
});
