import { describe, expect, it } from "vitest";

import {
  artistForm,
  bookingForm,
  bookingRequest,
  chooseStudio,
  conflictMessage,
  failureText,
  formatRange,
  slugify,
  studioForm,
  type Tenant,
  timeZoneOr,
  zonedToUtc,
} from "./booking";

const ARTIST = "0b3a8c52-4d1e-4f5a-9c7b-1e2d3f4a5b6c";

const typed = {
  title: " Storyboards ",
  day: "2030-05-14",
  start: "10:00",
  end: "12:00",
  status: "confirmed",
  holdUntil: "",
  timeZone: "UTC",
};

describe("the studio form", () => {
  it("derives the slug from the name, as the tenants table's CHECK wants it", () => {
    expect(studioForm.parse({ name: "  Ça Va Studio!  " })).toEqual({
      name: "Ça Va Studio!",
      slug: "ca-va-studio",
    });
    expect(slugify("--Über  Pixel__Works 2--")).toBe("uber-pixel-works-2");
    expect(slugify("x".repeat(80))).toHaveLength(63);
    expect(slugify(`${"a".repeat(62)} b`)).toBe("a".repeat(62));
  });

  it("refuses a name that leaves no slug", () => {
    expect(
      studioForm.safeParse({ name: "!!!" }).error?.issues[0],
    ).toMatchObject({
      path: ["name"],
      message: "Use at least one letter or digit",
    });
    expect(studioForm.safeParse({ name: "   " }).success).toBe(false);
  });
});

describe("the artist form", () => {
  it("leaves out an empty e-mail and notes, and checks an e-mail that is given", () => {
    expect(artistForm.parse({ name: " Nina ", email: "", notes: " " })).toEqual(
      { name: "Nina", email: undefined, notes: undefined },
    );
    expect(
      artistForm.safeParse({ name: "Nina", email: "nina", notes: "" }).success,
    ).toBe(false);
  });
});

describe("the booking form", () => {
  it("turns the typed wall-clock times into the service's UTC body", () => {
    const form = bookingForm.parse({ ...typed, timeZone: "Europe/Paris" });
    expect(bookingRequest(ARTIST, form)).toEqual({
      artistId: ARTIST,
      title: "Storyboards",
      status: "confirmed",
      startTime: "2030-05-14T08:00:00.000Z",
      endTime: "2030-05-14T10:00:00.000Z",
    });
  });

  it("refuses an end before (or at) the start", () => {
    const result = bookingForm.safeParse({ ...typed, end: "10:00" });
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: ["end"],
        message: "Ends before it starts",
      }),
    ]);
  });

  it("wants a hold's expiry, and sends it only for a hold", () => {
    expect(
      bookingForm.safeParse({ ...typed, status: "hold" }).error?.issues[0],
    ).toMatchObject({
      path: ["holdUntil"],
      message: "A hold needs the moment it lapses",
    });
    const hold = bookingForm.parse({
      ...typed,
      status: "hold",
      holdUntil: "2030-05-13T18:30",
    });
    expect(bookingRequest(ARTIST, hold).holdExpiresAt).toBe(
      "2030-05-13T18:30:00.000Z",
    );
    const confirmed = bookingForm.parse({
      ...typed,
      holdUntil: "2030-05-13T18:30",
    });
    expect(bookingRequest(ARTIST, confirmed)).not.toHaveProperty(
      "holdExpiresAt",
    );
  });

  it("refuses a status the form does not offer and a zone nobody knows", () => {
    expect(bookingForm.safeParse({ ...typed, status: "expired" }).success).toBe(
      false,
    );
    expect(
      bookingForm.safeParse({ ...typed, timeZone: "Mars/Olympus" }).success,
    ).toBe(false);
  });
});

describe("zonedToUtc", () => {
  it("reads a wall-clock time in its zone, in winter and in summer", () => {
    expect(
      zonedToUtc("2030-01-15", "09:00", "Europe/Berlin").toISOString(),
    ).toBe("2030-01-15T08:00:00.000Z");
    expect(
      zonedToUtc("2030-07-15", "09:00", "Europe/Berlin").toISOString(),
    ).toBe("2030-07-15T07:00:00.000Z");
    expect(
      zonedToUtc("2030-07-15", "09:00", "America/New_York").toISOString(),
    ).toBe("2030-07-15T13:00:00.000Z");
    expect(zonedToUtc("2030-07-15", "09:00", "UTC").toISOString()).toBe(
      "2030-07-15T09:00:00.000Z",
    );
  });

  it("takes the first of a repeated hour, and a skipped time as before the jump", () => {
    // Berlin, 27 Oct 2030: 03:00 summer time becomes 02:00 winter time.
    expect(
      zonedToUtc("2030-10-27", "02:30", "Europe/Berlin").toISOString(),
    ).toBe("2030-10-27T00:30:00.000Z");
    // Berlin, 31 Mar 2030: 02:00 winter time becomes 03:00 summer time; 02:30 never shows.
    expect(
      zonedToUtc("2030-03-31", "02:30", "Europe/Berlin").toISOString(),
    ).toBe("2030-03-31T01:30:00.000Z");
  });
});

describe("formatRange", () => {
  it("shows a booking's day once, and both days when it ends on another", () => {
    expect(
      formatRange(
        "2030-05-14T08:00:00Z",
        "2030-05-14T10:00:00Z",
        "Europe/Berlin",
      ),
    ).toBe("Tue 14 May 2030, 10:00–12:00");
    expect(
      formatRange("2030-05-14T22:00:00Z", "2030-05-15T01:00:00Z", "UTC"),
    ).toBe("Tue 14 May 2030, 22:00 – Wed 15 May 2030, 01:00");
  });
});

describe("the user's choices", () => {
  const studios: Tenant[] = [
    {
      id: "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
      name: "A",
      slug: "a",
      role: "owner",
    },
    {
      id: "6f1c2b3a-4d5e-4f60-8a7b-9c8d7e6f5a4b",
      name: "B",
      slug: "b",
      role: "member",
    },
  ];

  it("keeps the chosen studio while the user is in it, else the first", () => {
    expect(chooseStudio(studios, studios[1]!.id)?.name).toBe("B");
    expect(chooseStudio(studios, "gone")?.name).toBe("A");
    expect(chooseStudio(studios, undefined)?.name).toBe("A");
    expect(chooseStudio([], undefined)).toBeNull();
  });

  it("reads the browser's time zone from its cookie, UTC when it is missing or bad", () => {
    expect(timeZoneOr("Europe%2FParis")).toBe("Europe/Paris");
    expect(timeZoneOr("Asia/Tokyo")).toBe("Asia/Tokyo");
    expect(timeZoneOr(undefined)).toBe("UTC");
    expect(timeZoneOr("Nowhere/Else")).toBe("UTC");
    expect(timeZoneOr("%E0%A4%A")).toBe("UTC");
  });
});

describe("what the user is told", () => {
  it("names the artist when the time is taken", () => {
    expect(conflictMessage("Nina")).toBe(
      "Nina is already booked then. Pick another time, or make it a hold.",
    );
  });

  it("explains a refusal by its code, else by its status, else the service's message", () => {
    expect(failureText(403, { code: "forbidden" })).toBe(
      "Only the studio's owners and admins can do that.",
    );
    expect(failureText(401, null)).toBe(
      "Your session has ended: sign in again.",
    );
    expect(
      failureText(422, {
        code: "invalid_request",
        message: ["title", "is empty"],
      }),
    ).toBe("title is empty");
    expect(failureText(500, null)).toBe(
      "The booking service answered 500. Try again.",
    );
  });
});
