/**
 * What the booking endpoints accept and answer (README.md here; the workspace's booking apps are
 * written against the same shapes, through the typed client). JSON in camelCase, times as ISO 8601
 * strings in UTC. Bodies are strict: an unknown field is a 422, so a client's typo (`endtime`) is
 * not silently ignored.
 */
import { z } from "zod";

const id = z.uuid();
// An instant with its offset (`Z` or `+02:00`): a time without one means something else in every
// time zone.
const instant = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().trim().min(1).max(max);

export const Tenant = z
  .object({
    id,
    name: z.string(),
    slug: z.string(),
    role: z.enum(["owner", "admin", "member"]),
  })
  .meta({ id: "Tenant" });
export type Tenant = z.infer<typeof Tenant>;

export const TenantCreate = z
  .strictObject({
    name: text(200),
    // As the tenants table checks it: lowercase words joined by single hyphens.
    slug: z
      .string()
      .max(63)
      .regex(
        /^[a-z0-9]+(-[a-z0-9]+)*$/,
        "lowercase letters and digits, words joined by single hyphens",
      ),
  })
  .meta({ id: "TenantCreate" });
export type TenantCreate = z.infer<typeof TenantCreate>;

export const Artist = z
  .object({
    id,
    name: z.string(),
    email: z.string().nullable(),
    notes: z.string().nullable(),
    active: z.boolean(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: "Artist" });
export type Artist = z.infer<typeof Artist>;

export const ArtistCreate = z
  .strictObject({
    name: text(200),
    email: z.email().max(320).nullable().optional(),
    notes: z.string().max(10_000).nullable().optional(),
  })
  .meta({ id: "ArtistCreate" });
export type ArtistCreate = z.infer<typeof ArtistCreate>;

/** What PATCH /artists/:id may change (owners and admins); `active: false` retires an artist. */
export const ArtistUpdate = z
  .strictObject({
    name: text(200).optional(),
    email: z.email().max(320).nullable().optional(),
    notes: z.string().max(10_000).nullable().optional(),
    active: z.boolean().optional(),
  })
  .meta({ id: "ArtistUpdate" });
export type ArtistUpdate = z.infer<typeof ArtistUpdate>;

export const Project = z
  .object({
    id,
    name: z.string(),
    description: z.string().nullable(),
    createdBy: id.nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: "Project" });
export type Project = z.infer<typeof Project>;

export const ProjectCreate = z
  .strictObject({
    name: text(200),
    description: z.string().max(10_000).nullable().optional(),
  })
  .meta({ id: "ProjectCreate" });
export type ProjectCreate = z.infer<typeof ProjectCreate>;

// A calendar day, as the phases' date columns hold it.
const day = z.iso.date();

/** A phase of a project: a bar of its Gantt chart, whole days, endsOn inclusive. */
export const Phase = z
  .object({
    id,
    projectId: id,
    name: z.string(),
    startsOn: day,
    endsOn: day,
    position: z.int(),
    progress: z.int().min(0).max(100),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: "Phase" });
export type Phase = z.infer<typeof Phase>;

const daysInOrder = (value: { startsOn?: string; endsOn?: string }) =>
  value.startsOn === undefined ||
  value.endsOn === undefined ||
  value.endsOn >= value.startsOn;

export const PhaseCreate = z
  .strictObject({
    projectId: id,
    name: text(200),
    startsOn: day,
    endsOn: day,
    position: z.int().min(-32_768).max(2_147_483_647).optional(),
    progress: z.int().min(0).max(100).optional(),
  })
  .refine(daysInOrder, {
    path: ["endsOn"],
    message: "must not be before startsOn",
  })
  .meta({ id: "PhaseCreate" });
export type PhaseCreate = z.infer<typeof PhaseCreate>;

export const PhaseUpdate = z
  .strictObject({
    name: text(200).optional(),
    startsOn: day.optional(),
    endsOn: day.optional(),
    position: z.int().min(-32_768).max(2_147_483_647).optional(),
    progress: z.int().min(0).max(100).optional(),
  })
  .refine(daysInOrder, {
    path: ["endsOn"],
    message: "must not be before startsOn",
  })
  .meta({ id: "PhaseUpdate" });
export type PhaseUpdate = z.infer<typeof PhaseUpdate>;

export const PhaseQuery = z.object({ projectId: id.optional() });
export type PhaseQuery = z.infer<typeof PhaseQuery>;

export const BookingStatus = z
  .enum(["hold", "pencil", "confirmed", "cancelled", "expired"])
  .meta({ id: "BookingStatus" });

export const Booking = z
  .object({
    id,
    tenantId: id,
    artistId: id,
    projectId: id.nullable(),
    phaseId: id.nullable(),
    title: z.string(),
    notes: z.string().nullable(),
    status: BookingStatus,
    startTime: instant,
    endTime: instant,
    holdExpiresAt: instant.nullable(),
    version: z.int().min(1),
    createdBy: id.nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: "Booking" });
export type Booking = z.infer<typeof Booking>;

const timesInOrder = (value: { startTime?: string; endTime?: string }) =>
  value.startTime === undefined ||
  value.endTime === undefined ||
  Date.parse(value.endTime) > Date.parse(value.startTime);

export const BookingCreate = z
  .strictObject({
    artistId: id,
    title: text(255),
    // A client books as a hold, a pencil or confirmed; cancelled and expired are where bookings end.
    status: z.enum(["hold", "pencil", "confirmed"]),
    startTime: instant,
    endTime: instant,
    holdExpiresAt: instant.nullable().optional(),
    projectId: id.nullable().optional(),
    phaseId: id.nullable().optional(),
    notes: z.string().max(10_000).nullable().optional(),
  })
  .refine(timesInOrder, {
    path: ["endTime"],
    message: "must be after startTime",
  })
  .refine((b) => b.status !== "hold" || (b.holdExpiresAt ?? null) !== null, {
    path: ["holdExpiresAt"],
    message: "required for a hold",
  })
  .refine(
    (b) => (b.phaseId ?? null) === null || (b.projectId ?? null) !== null,
    {
      path: ["phaseId"],
      message: "a phase needs its project",
    },
  )
  .meta({ id: "BookingCreate" });
export type BookingCreate = z.infer<typeof BookingCreate>;

/** A change of a booking: `version` is the one the client last read (optimistic locking). */
export const BookingUpdate = z
  .strictObject({
    version: z.int().min(1),
    title: text(255).optional(),
    status: z.enum(["hold", "pencil", "confirmed", "cancelled"]).optional(),
    startTime: instant.optional(),
    endTime: instant.optional(),
    holdExpiresAt: instant.nullable().optional(),
    notes: z.string().max(10_000).nullable().optional(),
  })
  .refine(timesInOrder, {
    path: ["endTime"],
    message: "must be after startTime",
  })
  .meta({ id: "BookingUpdate" });
export type BookingUpdate = z.infer<typeof BookingUpdate>;

// No `meta({ id })`: the OpenAPI document lists a query schema's fields as parameters only inline.
export const BookingQuery = z.object({
  artistId: id.optional(),
  // Bookings that overlap [from, to).
  from: instant.optional(),
  to: instant.optional(),
});
export type BookingQuery = z.infer<typeof BookingQuery>;

export const BookingEvent = z
  .object({
    id: z.int(),
    type: z.enum(["created", "updated", "deleted"]),
    version: z.int(),
    // created: the whole row; updated: the columns that changed; deleted: null (snake_case, as in the table).
    data: z.record(z.string(), z.unknown()).nullable(),
    actor: id.nullable(),
    occurredAt: instant,
  })
  .meta({ id: "BookingEvent" });
export type BookingEvent = z.infer<typeof BookingEvent>;

/** replay_booking(id): the booking as its events rebuild it, columns as in the table (snake_case). */
export const BookingReplay = z
  .record(z.string(), z.unknown())
  .meta({ id: "BookingReplay" });

/** What Socket.IO clients of namespace /bookings receive as `booking.changed`. */
export const BookingChanged = z
  .object({
    app: z.string(),
    type: z.enum(["created", "updated", "deleted"]),
    // null for a deletion, and for a hold the worker expired (it may read no booking: refetch).
    booking: Booking.nullable(),
    bookingId: id,
  })
  .meta({ id: "BookingChanged" });
export type BookingChanged = z.infer<typeof BookingChanged>;

/** Every error of these endpoints: the skeleton's `detail`, and a machine-readable `code`. */
export const BookingError = z
  .object({
    statusCode: z.int(),
    code: z.string(),
    message: z.string(),
    detail: z.string(),
    issues: z
      .array(
        z.object({
          path: z.array(z.union([z.string(), z.number()])),
          message: z.string(),
        }),
      )
      .optional(),
  })
  .meta({ id: "BookingError" });
export type BookingError = z.infer<typeof BookingError>;
