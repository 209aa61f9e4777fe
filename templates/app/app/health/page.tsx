import type { Metadata } from "next";

import { getHealth } from "../../lib/health";

export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "Health",
};

export default function HealthPage() {
  const { status } = getHealth();
  const checkedAt = new Date().toISOString();

  return (
    <main className="mx-auto flex min-h-screen max-w-2xl flex-col justify-center gap-4 p-8">
      <h1 className="text-3xl font-bold tracking-tight">Health</h1>
      <p className="text-lg">
        Status:{" "}
        <strong data-status={status} className="text-emerald-600">
          {status}
        </strong>
      </p>
      <p className="text-sm text-muted-foreground">
        Checked at <time dateTime={checkedAt}>{checkedAt}</time>.
        Machine-readable:{" "}
        <a href="/api/health" className="underline underline-offset-4">
          /api/health
        </a>
      </p>
    </main>
  );
}
