"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

import { TIME_ZONE_COOKIE } from "../../lib/booking";

const ONE_YEAR = 31_536_000; // seconds

/**
 * Tells the server the browser's time zone (a cookie), which the pages show times in and read the
 * typed times of a booking in: server code has no other way to know it. Renders nothing; on the
 * first visit, or after travelling, the page renders again with the zone.
 */
export function TimeZoneCookie() {
  const router = useRouter();
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const current = document.cookie
      .split("; ")
      .find((cookie) => cookie.startsWith(`${TIME_ZONE_COOKIE}=`))
      ?.slice(TIME_ZONE_COOKIE.length + 1);
    if (zone && current !== encodeURIComponent(zone)) {
      document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=${ONE_YEAR}; samesite=lax`;
      router.refresh();
    }
  }, [router]);
  return null;
}
