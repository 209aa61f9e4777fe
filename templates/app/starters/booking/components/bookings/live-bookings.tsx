"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

import { BOOKING_CHANGED } from "../../lib/live";

/**
 * Keeps the page in step with the studio's other users: every change of a booking (theirs, a hold
 * that expired) arrives through this app's /api/bookings/events stream, and the page renders again
 * with the service's data. Says whether it is live.
 */
export function LiveBookings({ studioId }: { studioId: string }) {
  const router = useRouter();
  const [live, setLive] = useState(false);
  useEffect(() => {
    const source = new EventSource(
      `/api/bookings/events?studio=${encodeURIComponent(studioId)}`,
    );
    source.addEventListener("ready", () => setLive(true));
    source.addEventListener(BOOKING_CHANGED, () => router.refresh());
    // A lost stream reconnects by itself (EventSource does); a refused one (signed out) does not.
    source.addEventListener("error", () => setLive(false));
    return () => source.close();
  }, [studioId, router]);
  return (
    <p
      data-live={live ? "on" : "off"}
      className="text-xs text-muted-foreground"
    >
      {live
        ? "Live: bookings made by others appear as they are made."
        : "Not live: reload to see bookings made by others."}
    </p>
  );
}
