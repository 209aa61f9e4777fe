import { describe, expect, it } from "vitest";

import { changeFor, KEEP_ALIVE, serverSentEvent } from "./live";

const BOOKING_ID = "6f1c2b3a-4d5e-4f60-8a7b-9c8d7e6f5a4b";

describe("changeFor", () => {
  it("keeps a change of this app's bookings", () => {
    const change = {
      app: "web",
      type: "deleted",
      booking: null,
      bookingId: BOOKING_ID,
    };
    expect(changeFor("web", change)).toEqual(change);
  });

  it("drops another app's changes and anything that is not a change", () => {
    expect(
      changeFor("web", {
        app: "admin",
        type: "deleted",
        booking: null,
        bookingId: BOOKING_ID,
      }),
    ).toBeNull();
    expect(
      changeFor("web", {
        app: "web",
        type: "renamed",
        booking: null,
        bookingId: BOOKING_ID,
      }),
    ).toBeNull();
    expect(changeFor("web", "hello")).toBeNull();
  });
});

describe("serverSentEvent", () => {
  it("writes one event whose data stays on one line", () => {
    expect(serverSentEvent("booking.changed", { title: "two\nlines" })).toBe(
      'event: booking.changed\ndata: {"title":"two\\nlines"}\n\n',
    );
    expect(KEEP_ALIVE.startsWith(":")).toBe(true);
  });
});
