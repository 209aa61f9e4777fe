/**
 * Live updates: the booking service announces every committed change of a studio's bookings on its
 * Socket.IO namespace /bookings (`booking.changed`). The browser never holds the access token the
 * handshake needs, so this app's route /api/bookings/events (lib/booking-events.ts) listens as the
 * user on the server and passes the changes of this app on as server-sent events, which the page's
 * EventSource reads (components/bookings/live-bookings.tsx). Imports nothing of the server.
 */
import { z } from "zod";

import { bookingSchema } from "./booking";

export const BOOKING_CHANGED = "booking.changed";

/** What the service emits after every change (an API write, or a hold that expired). */
export const bookingChangedSchema = z.object({
  app: z.string(),
  type: z.enum(["created", "updated", "deleted"]),
  booking: bookingSchema.nullable(),
  bookingId: z.uuid(),
});
export type BookingChanged = z.infer<typeof bookingChangedSchema>;

/** The change for `app`'s pages, or null: another app's, or not a change at all. */
export function changeFor(
  app: string,
  payload: unknown,
): BookingChanged | null {
  const change = bookingChangedSchema.safeParse(payload);
  return change.success && change.data.app === app ? change.data : null;
}

/** One server-sent event: its name and its data as one line of JSON. */
export function serverSentEvent(event: string, data: unknown): string {
  // JSON.stringify escapes line breaks inside strings, so the data is always a single line.
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A comment line: keeps proxies from closing a quiet stream. */
export const KEEP_ALIVE = ": keep-alive\n\n";
