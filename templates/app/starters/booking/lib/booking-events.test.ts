import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";

import { bookingEvents } from "./booking-events";
import { serviceAnswering } from "./testing";

const STUDIO = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";

function request(query: string, cookies: Record<string, string> = {}) {
  const cookie = Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join("; ");
  return new NextRequest(
    new URL(`/api/bookings/events${query}`, "http://app.test"),
    { headers: cookie ? { cookie } : {} },
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
});

// The stream itself (the service's handshake and events) is the browser tests' (e2e/).
describe("the /api/bookings/events route", () => {
  it("wants the studio's id", async () => {
    for (const query of ["", "?studio=", "?studio=42"]) {
      const response = await bookingEvents(
        request(query, { access_token: "a" }),
      );
      expect(response.status, query).toBe(400);
    }
  });

  it("answers 401 without a session, and signs out one the auth service refuses", async () => {
    expect((await bookingEvents(request(`?studio=${STUDIO}`))).status).toBe(
      401,
    );
    serviceAnswering(401, { detail: "Invalid refresh token: sign in again" });
    const response = await bookingEvents(
      request(`?studio=${STUDIO}`, { refresh_token: "stolen" }),
    );
    expect(response.status).toBe(401);
    expect(response.cookies.get("refresh_token")?.value).toBe("");
  });
});
