import { type Artist, type Booking, formatRange } from "../../lib/booking";

/** An artist's bookings, the earliest first, each with its time in `timeZone` and its status. */
export function BookingList({
  artist,
  bookings,
  timeZone,
}: {
  artist: Artist;
  bookings: Booking[];
  timeZone: string;
}) {
  if (bookings.length === 0) {
    return (
      <p className="text-sm text-muted-foreground">
        {artist.name} has no bookings yet.
      </p>
    );
  }
  return (
    <ul
      aria-label={`Bookings of ${artist.name}`}
      className="flex flex-col divide-y divide-border rounded-md border border-border"
    >
      {bookings.map((booking) => (
        <li
          key={booking.id}
          className="flex items-center justify-between gap-4 p-3"
        >
          <div className="min-w-0">
            <p className="truncate font-medium">{booking.title}</p>
            <p className="text-sm text-muted-foreground">
              {formatRange(booking.startTime, booking.endTime, timeZone)}
            </p>
          </div>
          <span
            data-status={booking.status}
            className="rounded-full border border-border px-2 py-0.5 text-xs"
          >
            {booking.status}
          </span>
        </li>
      ))}
    </ul>
  );
}
