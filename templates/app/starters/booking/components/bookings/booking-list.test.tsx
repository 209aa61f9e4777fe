import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import type { Artist, Booking } from "../../lib/booking";
import { BookingList } from "./booking-list";

const artist: Artist = {
  id: "0b3a8c52-4d1e-4f5a-9c7b-1e2d3f4a5b6c",
  name: "Nina",
  email: null,
  notes: null,
  active: true,
  createdAt: "2030-01-01T00:00:00.000Z",
  updatedAt: "2030-01-01T00:00:00.000Z",
};

function booking(fields: Partial<Booking>): Booking {
  return {
    id: "6f1c2b3a-4d5e-4f60-8a7b-9c8d7e6f5a4b",
    tenantId: "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    artistId: artist.id,
    projectId: null,
    phaseId: null,
    title: "Storyboards",
    notes: null,
    status: "confirmed",
    startTime: "2030-05-14T08:00:00.000Z",
    endTime: "2030-05-14T10:00:00.000Z",
    holdExpiresAt: null,
    version: 1,
    createdBy: null,
    createdAt: "2030-01-01T00:00:00.000Z",
    updatedAt: "2030-01-01T00:00:00.000Z",
    ...fields,
  };
}

describe("BookingList", () => {
  it("shows each booking's time in the user's time zone, and its status", () => {
    const html = renderToStaticMarkup(
      <BookingList
        artist={artist}
        bookings={[booking({}), booking({ id: "x", status: "hold" })]}
        timeZone="Europe/Berlin"
      />,
    );
    expect(html).toContain('aria-label="Bookings of Nina"');
    expect(html).toContain("Tue 14 May 2030, 10:00–12:00");
    expect(html).toContain('data-status="hold"');
  });

  it("says when the artist has no bookings", () => {
    const html = renderToStaticMarkup(
      <BookingList artist={artist} bookings={[]} timeZone="UTC" />,
    );
    expect(html).toContain("Nina has no bookings yet.");
  });

  it("shows a title as text, never as markup", () => {
    const html = renderToStaticMarkup(
      <BookingList
        artist={artist}
        bookings={[booking({ title: "<b>x</b>" })]}
        timeZone="UTC"
      />,
    );
    expect(html).toContain("&lt;b&gt;x&lt;/b&gt;");
  });
});
