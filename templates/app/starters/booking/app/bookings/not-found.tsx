import Link from "next/link";

export default function BookingsNotFound() {
  return (
    <section className="flex flex-col gap-3">
      <h1 className="text-3xl font-bold tracking-tight">Not found</h1>
      <p className="text-muted-foreground">
        It does not exist, or it belongs to a studio you are not in.
      </p>
      <Link href="/bookings" className="underline underline-offset-4">
        Back to your bookings
      </Link>
    </section>
  );
}
