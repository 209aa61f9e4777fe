/**
 * The queries of the booking endpoints. Each runs on the transaction of Database.asUser or
 * asTenantUser: row level security decides which rows exist for it, and the `where` clauses only
 * pick among those. A row of another tenant is simply not there (an empty list, undefined).
 */
import { and, asc, eq, gt, inArray, lt, ne, sql, type SQL } from "drizzle-orm";
import type { Tx } from "../db/database.js";
import type {
  Artist,
  ArtistCreate,
  ArtistUpdate,
  Booking,
  BookingCreate,
  BookingEvent,
  BookingQuery,
  BookingUpdate,
  Phase,
  PhaseCreate,
  PhaseQuery,
  PhaseUpdate,
  Project,
  ProjectCreate,
  Tenant,
  TenantCreate,
} from "./booking.schema.js";
import type { BookingTables } from "./tables.js";

const iso = (date: Date): string => date.toISOString();
const isoOrNull = (date: Date | null): string | null =>
  date === null ? null : date.toISOString();
const instant = (value: string): Date => new Date(value);
const instantOrNull = (value: string | null): Date | null =>
  value === null ? null : new Date(value);

// Tenants -----------------------------------------------------------------------------------------

/** The caller's tenants with their role in each (asUser: no tenant needed to list them). */
export async function listTenants(tx: Tx): Promise<Tenant[]> {
  const { rows } = await tx.execute<Tenant>(sql`
    select t.id, t.name, t.slug, m.role
    from public.tenants as t
    join public.tenant_members as m on m.tenant_id = t.id
    where m.user_id = (select auth.uid())
    order by t.name, t.id`);
  return rows;
}

/** A new tenant with the caller as its owner (public.create_tenant); 23505 when the slug is taken. */
export async function createTenant(
  tx: Tx,
  input: TenantCreate,
): Promise<Tenant> {
  const { rows } = await tx.execute<Omit<Tenant, "role">>(
    sql`select t.id, t.name, t.slug from public.create_tenant(${input.name}, ${input.slug}) as t`,
  );
  return { ...rows[0]!, role: "owner" };
}

/** The caller's role in the transaction's tenant; null when they are not one of its members. */
export async function currentRole(tx: Tx): Promise<string | null> {
  const { rows } = await tx.execute<{ role: string | null }>(
    sql`select public.tenant_role(public.current_tenant()) as role`,
  );
  return rows[0]?.role ?? null;
}

// Artists and projects ----------------------------------------------------------------------------

type ArtistRow = BookingTables["artists"]["$inferSelect"];
const toArtist = (r: ArtistRow): Artist => ({
  id: r.id,
  name: r.name,
  email: r.email,
  notes: r.notes,
  active: r.active,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

export async function listArtists(tx: Tx, t: BookingTables): Promise<Artist[]> {
  const rows = await tx
    .select()
    .from(t.artists)
    .orderBy(asc(t.artists.name), asc(t.artists.id));
  return rows.map(toArtist);
}

export async function createArtist(
  tx: Tx,
  t: BookingTables,
  input: ArtistCreate,
): Promise<Artist> {
  const [created] = await tx
    .insert(t.artistsInsert)
    .values({
      name: input.name,
      email: input.email ?? null,
      notes: input.notes ?? null,
    })
    .returning({ id: sql<string>`id` });
  const rows = await tx
    .select()
    .from(t.artists)
    .where(eq(t.artists.id, created!.id));
  return toArtist(rows[0]!);
}

/** The artist after `change`; undefined when no row was updated (not there, or not the caller's to change). */
export async function updateArtist(
  tx: Tx,
  t: BookingTables,
  id: string,
  change: ArtistUpdate,
): Promise<Artist | undefined> {
  const set = {
    ...(change.name !== undefined && { name: change.name }),
    ...(change.email !== undefined && { email: change.email }),
    ...(change.notes !== undefined && { notes: change.notes }),
    ...(change.active !== undefined && { active: change.active }),
  };
  if (Object.keys(set).length === 0) {
    const rows = await tx.select().from(t.artists).where(eq(t.artists.id, id));
    return rows[0] === undefined ? undefined : toArtist(rows[0]);
  }
  const rows = await tx
    .update(t.artists)
    .set(set)
    .where(eq(t.artists.id, id))
    .returning();
  return rows[0] === undefined ? undefined : toArtist(rows[0]);
}

export async function artistExists(
  tx: Tx,
  t: BookingTables,
  id: string,
): Promise<boolean> {
  const rows = await tx
    .select({ id: t.artists.id })
    .from(t.artists)
    .where(eq(t.artists.id, id));
  return rows.length > 0;
}

export async function artistName(
  tx: Tx,
  t: BookingTables,
  id: string,
): Promise<string | undefined> {
  const rows = await tx
    .select({ name: t.artists.name })
    .from(t.artists)
    .where(eq(t.artists.id, id));
  return rows[0]?.name;
}

type ProjectRow = BookingTables["projects"]["$inferSelect"];
const toProject = (r: ProjectRow): Project => ({
  id: r.id,
  name: r.name,
  description: r.description,
  createdBy: r.createdBy,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

export async function listProjects(
  tx: Tx,
  t: BookingTables,
): Promise<Project[]> {
  const rows = await tx
    .select()
    .from(t.projects)
    .orderBy(asc(t.projects.name), asc(t.projects.id));
  return rows.map(toProject);
}

export async function createProject(
  tx: Tx,
  t: BookingTables,
  input: ProjectCreate,
): Promise<Project> {
  const [created] = await tx
    .insert(t.projectsInsert)
    .values({ name: input.name, description: input.description ?? null })
    .returning({ id: sql<string>`id` });
  const rows = await tx
    .select()
    .from(t.projects)
    .where(eq(t.projects.id, created!.id));
  return toProject(rows[0]!);
}

// Phases ------------------------------------------------------------------------------------------

type PhaseRow = BookingTables["projectPhases"]["$inferSelect"];
const toPhase = (r: PhaseRow): Phase => ({
  id: r.id,
  projectId: r.projectId,
  name: r.name,
  startsOn: r.startsOn,
  endsOn: r.endsOn,
  position: r.position,
  progress: r.progress,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

/** The tenant's phases (of one project if asked), in their order within each project. */
export async function listPhases(
  tx: Tx,
  t: BookingTables,
  query: PhaseQuery,
): Promise<Phase[]> {
  const p = t.projectPhases;
  const rows = await tx
    .select()
    .from(p)
    .where(
      query.projectId === undefined
        ? undefined
        : eq(p.projectId, query.projectId),
    )
    .orderBy(asc(p.projectId), asc(p.position), asc(p.startsOn), asc(p.id));
  return rows.map(toPhase);
}

/** The new phase; 23503 when the project is not one of the tenant's. */
export async function createPhase(
  tx: Tx,
  t: BookingTables,
  input: PhaseCreate,
): Promise<Phase> {
  const [created] = await tx
    .insert(t.projectPhasesInsert)
    .values({
      projectId: input.projectId,
      name: input.name,
      startsOn: input.startsOn,
      endsOn: input.endsOn,
      ...(input.position !== undefined && { position: input.position }),
      ...(input.progress !== undefined && { progress: input.progress }),
    })
    .returning({ id: sql<string>`id` });
  const rows = await tx
    .select()
    .from(t.projectPhases)
    .where(eq(t.projectPhases.id, created!.id));
  return toPhase(rows[0]!);
}

export async function updatePhase(
  tx: Tx,
  t: BookingTables,
  id: string,
  change: PhaseUpdate,
): Promise<Phase | undefined> {
  const p = t.projectPhases;
  const set = {
    ...(change.name !== undefined && { name: change.name }),
    ...(change.startsOn !== undefined && { startsOn: change.startsOn }),
    ...(change.endsOn !== undefined && { endsOn: change.endsOn }),
    ...(change.position !== undefined && { position: change.position }),
    ...(change.progress !== undefined && { progress: change.progress }),
  };
  const rows =
    Object.keys(set).length === 0
      ? await tx.select().from(p).where(eq(p.id, id))
      : await tx.update(p).set(set).where(eq(p.id, id)).returning();
  return rows[0] === undefined ? undefined : toPhase(rows[0]);
}

export async function deletePhase(
  tx: Tx,
  t: BookingTables,
  id: string,
): Promise<boolean> {
  const rows = await tx
    .delete(t.projectPhases)
    .where(eq(t.projectPhases.id, id))
    .returning({ id: t.projectPhases.id });
  return rows.length > 0;
}

// Bookings ----------------------------------------------------------------------------------------

type BookingRow = BookingTables["bookings"]["$inferSelect"];
export const toBooking = (r: BookingRow): Booking => ({
  id: r.id,
  tenantId: r.tenantId,
  artistId: r.artistId,
  projectId: r.projectId,
  phaseId: r.phaseId,
  title: r.title,
  notes: r.notes,
  status: r.status,
  startTime: iso(r.startTime),
  endTime: iso(r.endTime),
  holdExpiresAt: isoOrNull(r.holdExpiresAt),
  version: r.version,
  createdBy: r.createdBy,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

/** The tenant's bookings, of one artist if asked, overlapping [from, to) if given, by start (then end) time. */
export async function listBookings(
  tx: Tx,
  t: BookingTables,
  query: BookingQuery,
): Promise<Booking[]> {
  const b = t.bookings;
  const conditions: SQL[] = [];
  if (query.artistId !== undefined) {
    conditions.push(eq(b.artistId, query.artistId));
  }
  if (query.from !== undefined) {
    conditions.push(gt(b.endTime, instant(query.from)));
  }
  if (query.to !== undefined) {
    conditions.push(lt(b.startTime, instant(query.to)));
  }
  const rows = await tx
    .select()
    .from(b)
    .where(and(...conditions))
    .orderBy(asc(b.startTime), asc(b.endTime), asc(b.id));
  return rows.map(toBooking);
}

export async function getBooking(
  tx: Tx,
  t: BookingTables,
  id: string,
): Promise<Booking | undefined> {
  const rows = await tx.select().from(t.bookings).where(eq(t.bookings.id, id));
  return rows[0] === undefined ? undefined : toBooking(rows[0]);
}

/**
 * The first booking of `artistId` that takes the artist's time (pencil, confirmed) within [start,
 * end), besides `except`: what a refused overlap (23P01) ran into, to name it to the client.
 */
export async function blockingBooking(
  tx: Tx,
  t: BookingTables,
  artistId: string,
  start: string,
  end: string,
  except?: string,
): Promise<Booking | undefined> {
  const b = t.bookings;
  const rows = await tx
    .select()
    .from(b)
    .where(
      and(
        eq(b.artistId, artistId),
        inArray(b.status, ["pencil", "confirmed"]),
        lt(b.startTime, instant(end)),
        gt(b.endTime, instant(start)),
        except === undefined ? undefined : ne(b.id, except),
      ),
    )
    .orderBy(asc(b.startTime))
    .limit(1);
  return rows[0] === undefined ? undefined : toBooking(rows[0]);
}

/** The new booking; the database refuses an overlap (23P01) or an artist of another tenant (23503). */
export async function createBooking(
  tx: Tx,
  t: BookingTables,
  input: BookingCreate,
): Promise<Booking> {
  const [created] = await tx
    .insert(t.bookingsInsert)
    .values({
      artistId: input.artistId,
      projectId: input.projectId ?? null,
      phaseId: input.phaseId ?? null,
      title: input.title,
      notes: input.notes ?? null,
      status: input.status,
      startTime: instant(input.startTime),
      endTime: instant(input.endTime),
      holdExpiresAt: instantOrNull(input.holdExpiresAt ?? null),
    })
    .returning({ id: sql<string>`id` });
  return (await getBooking(tx, t, created!.id))!;
}

/**
 * The booking after `change`, if it still has the version the client read; undefined when no row
 * has both that id and that version (gone, or changed by someone else meanwhile: the caller tells
 * which). The trigger bumps the version.
 */
export async function updateBooking(
  tx: Tx,
  t: BookingTables,
  id: string,
  change: BookingUpdate,
): Promise<Booking | undefined> {
  const b = t.bookings;
  const set = {
    ...(change.title !== undefined && { title: change.title }),
    ...(change.status !== undefined && { status: change.status }),
    ...(change.startTime !== undefined && {
      startTime: instant(change.startTime),
    }),
    ...(change.endTime !== undefined && { endTime: instant(change.endTime) }),
    ...(change.holdExpiresAt !== undefined && {
      holdExpiresAt: instantOrNull(change.holdExpiresAt),
    }),
    ...(change.notes !== undefined && { notes: change.notes }),
  };
  const where = and(eq(b.id, id), eq(b.version, change.version));
  if (Object.keys(set).length === 0) {
    // Nothing to change: no UPDATE, so no new version and no event; the version is still checked.
    const rows = await tx.select().from(b).where(where);
    return rows[0] === undefined ? undefined : toBooking(rows[0]);
  }
  const rows = await tx.update(b).set(set).where(where).returning();
  return rows[0] === undefined ? undefined : toBooking(rows[0]);
}

/** The deleted booking's id; undefined when the caller may not delete it or it is not there. */
export async function deleteBooking(
  tx: Tx,
  t: BookingTables,
  id: string,
): Promise<string | undefined> {
  const rows = await tx
    .delete(t.bookings)
    .where(eq(t.bookings.id, id))
    .returning({ id: t.bookings.id });
  return rows[0]?.id;
}

export async function listEvents(
  tx: Tx,
  t: BookingTables,
  bookingId: string,
): Promise<BookingEvent[]> {
  const e = t.bookingEvents;
  const rows = await tx
    .select()
    .from(e)
    .where(eq(e.bookingId, bookingId))
    .orderBy(asc(e.id));
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    version: r.version,
    data: r.data,
    actor: r.actor,
    occurredAt: iso(r.occurredAt),
  }));
}

/** replay_booking(id): null for a deleted booking and for one the caller cannot see. */
export async function replayBooking(
  tx: Tx,
  t: BookingTables,
  id: string,
): Promise<Record<string, unknown> | null> {
  const { rows } = await tx.execute<{ state: Record<string, unknown> | null }>(
    sql`select ${sql.identifier(t.schema)}.replay_booking(${id}) as state`,
  );
  return rows[0]?.state ?? null;
}
