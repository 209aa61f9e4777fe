import Link from "next/link";
import type { ReactNode } from "react";

import { failed } from "../../lib/api";
import { signedInApi } from "../../lib/session";
import { signOut } from "../(auth)/actions";

// Every page under /organizations is for a signed-in user: proxy.ts sends anyone else to /sign-in.
export default async function SignedInLayout({
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
    <div className="mx-auto flex min-h-screen max-w-3xl flex-col gap-8 p-8">
      <header className="flex items-center justify-between gap-4 border-b border-border pb-4">
        <Link href="/organizations" className="font-semibold">
          Organizations
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
