import type { Metadata } from "next";
import Link from "next/link";

import { safeNextPath } from "../../../lib/forms";
import { SignInForm } from "../forms";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string; expired?: string }>;
}) {
  const { next, expired } = await searchParams;
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center gap-6 p-8">
      <h1 className="text-3xl font-bold tracking-tight">Sign in</h1>
      {expired ? (
        <p className="text-sm text-muted-foreground">
          Your session has ended. Sign in again.
        </p>
      ) : null}
      <SignInForm next={safeNextPath(next)} />
      <p className="text-sm text-muted-foreground">
        No account yet?{" "}
        <Link href="/sign-up" className="underline underline-offset-4">
          Sign up
        </Link>
      </p>
    </main>
  );
}
