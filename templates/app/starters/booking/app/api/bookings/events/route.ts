import type { NextRequest, NextResponse } from "next/server";

import { bookingEvents } from "../../../../lib/booking-events";

// The changes of a studio's bookings, as server-sent events (lib/booking-events.ts).
export function GET(request: NextRequest): Promise<NextResponse> {
  return bookingEvents(request);
}

// A stream per request, never cached or rendered at build time.
export const dynamic = "force-dynamic";
