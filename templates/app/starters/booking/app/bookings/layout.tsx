import Link from "next/link";
import type { ReactNode } from "react";

import { TimeZoneCookie } from "../../components/bookings/time-zone-cookie";
import { failed } from "../../lib/api";
import { signedInApi } from "../../lib/session";
import { signOut } from "../(auth)/actions";

// Every page under /bookings is for a signed-in user: proxy.ts sends anyone else to /sign-in, and
// renews an expired access token before the page (or a form's server action) runs.
export default async function BookingsLayout({
  children,
}: {
  children: ReactNode;
}) {
  const api = await signedInApi();
  const { data: me, response } = await api.GET("/auth/me");
  if (!me) {
    failed(response);
  }
  return (
    <div className="mx-auto flex min-h-screen max-w-5xl flex-col gap-8 p-8">
      <TimeZoneCookie />
      <header className="flex items-center justify-between gap-4 border-b border-border pb-4">
        <Link href="/bookings" className="font-semibold">
          Bookings
        </Link>
        <div className="flex items-center gap-4 text-sm">
          <span data-testid="signed-in-as">{me.email}</span>
          <form action={signOut}>
            <button type="submit" className="underline underline-offset-4">
              Sign out
            </button>
          </form>
        </div>
      </header>
      {children}
    </div>
  );
}
