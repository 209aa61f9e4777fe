import type { Metadata } from "next";
import { cookies } from "next/headers";
import Link from "next/link";

import { BookingList } from "../../components/bookings/booking-list";
import { LiveBookings } from "../../components/bookings/live-bookings";
import {
  type Artist,
  canManageArtists,
  chooseStudio,
  STUDIO_COOKIE,
  type Tenant,
  TIME_ZONE_COOKIE,
  timeZoneOr,
} from "../../lib/booking";
import { orFail, signedInBookingApi } from "../../lib/booking-api";
import { addArtist, book, switchStudio } from "./actions";
import { AddArtistForm, BookForm, CreateStudioForm } from "./forms";

export const metadata: Metadata = { title: "Bookings" };

type SearchParams = Promise<{ artist?: string | string[] }>;

export default async function BookingsPage({
  searchParams,
}: {
  searchParams: SearchParams;
}) {
  const jar = await cookies();
  const api = await signedInBookingApi();
  const tenants = orFail(await api.tenants());
  const studio = chooseStudio(tenants, jar.get(STUDIO_COOKIE)?.value);
  if (!studio) {
    return (
      <main className="flex max-w-sm flex-col gap-4">
        <h1 className="text-3xl font-bold tracking-tight">
          Create your studio
        </h1>
        <p className="text-muted-foreground">
          A studio holds your artists and their bookings; you will be its owner.
        </p>
        <CreateStudioForm />
      </main>
    );
  }
  const inStudio = api.inStudio(studio.id);
  const artists = orFail(await inStudio.artists());
  const { artist: wanted } = await searchParams;
  const artist =
    artists.find((candidate) => candidate.id === wanted) ?? artists[0] ?? null;
  const bookings = artist ? orFail(await inStudio.bookings(artist.id)) : [];
  const timeZone = timeZoneOr(jar.get(TIME_ZONE_COOKIE)?.value);

  return (
    <main className="flex flex-col gap-8">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-3xl font-bold tracking-tight">{studio.name}</h1>
          <p className="text-sm text-muted-foreground">
            You are its {studio.role}.
          </p>
          <LiveBookings studioId={studio.id} />
        </div>
        {tenants.length > 1 ? (
          <StudioSwitcher tenants={tenants} current={studio} />
        ) : null}
      </div>
      <div className="grid gap-8 md:grid-cols-[16rem_1fr]">
        <section className="flex flex-col gap-4">
          <h2 className="text-xl font-semibold">Artists</h2>
          <ArtistList artists={artists} current={artist} />
          {canManageArtists(studio.role) ? (
            <AddArtistForm addArtist={addArtist.bind(null, studio.id)} />
          ) : (
            <p className="text-sm text-muted-foreground">
              The studio&apos;s owners and admins add artists.
            </p>
          )}
        </section>
        {artist ? (
          <section className="flex flex-col gap-4">
            <h2 className="text-xl font-semibold">{artist.name}</h2>
            <BookingList
              artist={artist}
              bookings={bookings}
              timeZone={timeZone}
            />
            <div className="max-w-md">
              <BookForm
                key={artist.id}
                book={book.bind(null, studio.id, artist.id, artist.name)}
                artistName={artist.name}
                timeZone={timeZone}
              />
            </div>
          </section>
        ) : (
          <p className="text-muted-foreground">
            No artists yet: add the first one to book them.
          </p>
        )}
      </div>
    </main>
  );
}

function StudioSwitcher({
  tenants,
  current,
}: {
  tenants: Tenant[];
  current: Tenant;
}) {
  return (
    <form action={switchStudio} className="flex items-end gap-2">
      <div className="flex flex-col gap-1.5">
        <label htmlFor="studio" className="text-sm font-medium">
          Studio
        </label>
        <select
          id="studio"
          name="studio"
          defaultValue={current.id}
          className="h-10 rounded-md border border-input bg-background px-3 text-sm"
        >
          {tenants.map((tenant) => (
            <option key={tenant.id} value={tenant.id}>
              {tenant.name}
            </option>
          ))}
        </select>
      </div>
      <button
        type="submit"
        className="h-10 rounded-md border border-border px-3 text-sm hover:bg-muted"
      >
        Switch
      </button>
    </form>
  );
}

function ArtistList({
  artists,
  current,
}: {
  artists: Artist[];
  current: Artist | null;
}) {
  if (artists.length === 0) {
    return <p className="text-sm text-muted-foreground">No artists yet.</p>;
  }
  return (
    <ul aria-label="Artists" className="flex flex-col gap-1">
      {artists.map((artist) => (
        <li key={artist.id}>
          <Link
            href={`/bookings?artist=${artist.id}`}
            aria-current={artist.id === current?.id ? "page" : undefined}
            className={`block truncate rounded-md px-3 py-2 text-sm hover:bg-muted ${
              artist.id === current?.id
                ? "bg-muted font-medium"
                : "text-muted-foreground"
            }`}
          >
            {artist.name}
          </Link>
        </li>
      ))}
    </ul>
  );
}
