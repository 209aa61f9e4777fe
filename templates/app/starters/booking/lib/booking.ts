/**
 * What the booking UI works with: the booking service's answers as Zod schemas (every answer is
 * parsed, so a service that changed its shape fails loudly here, not somewhere in a page), the
 * forms' rules, and the pure helpers the pages share: slugs, wall-clock times in the user's time
 * zone, and what to tell the user when the service refuses. Imports nothing of the server.
 */
import { z } from "zod";

// The service's answers (camelCase JSON, times ISO 8601 in UTC) --------------------------------

export const ROLES = ["owner", "admin", "member"] as const;
export type Role = (typeof ROLES)[number];

export const tenantSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  role: z.enum(ROLES),
});
export type Tenant = z.infer<typeof tenantSchema>;

export const artistSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  email: z.string().nullable(),
  notes: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Artist = z.infer<typeof artistSchema>;

/** hold: reserved until holdExpiresAt, blocks nothing; pencil and confirmed take the time. */
export const BOOKABLE_STATUSES = ["confirmed", "pencil", "hold"] as const;
export const STATUSES = [...BOOKABLE_STATUSES, "cancelled", "expired"] as const;
export type BookingStatus = (typeof STATUSES)[number];

export const bookingSchema = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  artistId: z.uuid(),
  projectId: z.uuid().nullable(),
  phaseId: z.uuid().nullable(),
  title: z.string(),
  notes: z.string().nullable(),
  status: z.enum(STATUSES),
  startTime: z.string(),
  endTime: z.string(),
  holdExpiresAt: z.string().nullable(),
  version: z.number().int(),
  createdBy: z.uuid().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Booking = z.infer<typeof bookingSchema>;

/** The body of a refusal: `code` says which ("booking_conflict", "slug_taken", "forbidden", ...). */
export const apiErrorSchema = z.object({
  statusCode: z.number().optional(),
  code: z.string().optional(),
  message: z.union([z.string(), z.array(z.string())]).optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

// The forms ------------------------------------------------------------------------------------

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const SLUG_MAX = 63;

/**
 * The slug a studio's name gives (public.tenants' CHECK: lowercase words joined by single hyphens,
 * at most 63 characters): accents dropped, anything else a separator. "" when nothing is left.
 */
export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, SLUG_MAX)
    .replace(/^-+|-+$/g, "");
}

export const studioForm = z
  .object({ name: z.string().trim().min(1, "Enter a name").max(200) })
  .transform(({ name }) => ({ name, slug: slugify(name) }))
  .refine(({ slug }) => SLUG.test(slug), {
    message: "Use at least one letter or digit",
    path: ["name"],
  });
export type StudioFields = z.output<typeof studioForm>;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters`)
    .transform((value) => value || undefined);

export const artistForm = z.object({
  name: z.string().trim().min(1, "Enter a name").max(200),
  email: z
    .union([z.literal(""), z.email("Enter an e-mail address").max(320)])
    .transform((value) => value || undefined),
  notes: optionalText(10_000),
});
export type ArtistFields = z.output<typeof artistForm>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * A booking as typed: a day, a start and an end on that day (wall-clock times in `timeZone`, the
 * browser's), and for a hold the moment it lapses. `bookingRequest` turns it into the service's body.
 */
export const bookingForm = z
  .object({
    title: z.string().trim().min(1, "Enter a title").max(255),
    day: z.string().regex(DAY, "Pick a day"),
    start: z.string().regex(TIME, "Pick a start time"),
    end: z.string().regex(TIME, "Pick an end time"),
    status: z.enum(BOOKABLE_STATUSES, "Pick a status"),
    holdUntil: z.string().trim(),
    timeZone: z.string().refine(isTimeZone, "Unknown time zone"),
  })
  .superRefine((form, ctx) => {
    if (
      TIME.test(form.start) &&
      TIME.test(form.end) &&
      form.end <= form.start
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["end"],
        message: "Ends before it starts",
      });
    }
    if (form.status === "hold" && !localDateTime(form.holdUntil)) {
      ctx.addIssue({
        code: "custom",
        path: ["holdUntil"],
        message: "A hold needs the moment it lapses",
      });
    }
  });
export type BookingFields = z.output<typeof bookingForm>;

export interface BookingRequest {
  artistId: string;
  title: string;
  status: (typeof BOOKABLE_STATUSES)[number];
  startTime: string;
  endTime: string;
  holdExpiresAt?: string;
}

/** The service's body for `form`, the times in UTC. */
export function bookingRequest(
  artistId: string,
  form: BookingFields,
): BookingRequest {
  const at = (day: string, time: string) =>
    zonedToUtc(day, time, form.timeZone).toISOString();
  const request: BookingRequest = {
    artistId,
    title: form.title,
    status: form.status,
    startTime: at(form.day, form.start),
    endTime: at(form.day, form.end),
  };
  const holdUntil = localDateTime(form.holdUntil);
  if (form.status === "hold" && holdUntil) {
    request.holdExpiresAt = at(holdUntil.day, holdUntil.time);
  }
  return request;
}

// Time -------------------------------------------------------------------------------------------

/** Whether `value` names a time zone this runtime knows ("Europe/Paris", "UTC"). */
export function isTimeZone(value: string): boolean {
  if (!value) {
    return false;
  }
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** `<input type="datetime-local">`'s value ("2030-05-14T09:30") as its day and time, or null. */
export function localDateTime(
  value: string,
): { day: string; time: string } | null {
  const [day = "", time = ""] = value.split("T");
  return DAY.test(day) && TIME.test(time.slice(0, 5))
    ? { day, time: time.slice(0, 5) }
    : null;
}

/** How far `timeZone`'s clocks are ahead of UTC at `instant`, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const part = (type: string) =>
    Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    part("year"),
    part("month") - 1,
    part("day"),
    part("hour"),
    part("minute"),
    part("second"),
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a clock in `timeZone` shows `day` `time` ("2030-05-14", "10:00"). Where daylight
 * saving skips the time (a spring-forward gap), the instant as if the clock had not moved yet;
 * where it repeats an hour, the first of the two.
 */
export function zonedToUtc(day: string, time: string, timeZone: string): Date {
  const [year, month, date] = day.split("-").map(Number) as [
    number,
    number,
    number,
  ];
  const [hour, minute] = time.split(":").map(Number) as [number, number];
  const wall = Date.UTC(year, month - 1, date, hour, minute);
  // The offset one day before and after bracket any transition; try the earlier one first.
  const before = offsetAt(wall - 86_400_000, timeZone);
  const after = offsetAt(wall + 86_400_000, timeZone);
  for (const offset of before <= after ? [after, before] : [before, after]) {
    const instant = wall - offset;
    if (offsetAt(instant, timeZone) === offset) {
      return new Date(instant);
    }
  }
  return new Date(wall - before);
}

/** "Tue 14 May 2030, 10:00–12:00" in `timeZone` (the end's day too when it differs). */
export function formatRange(
  startTime: string,
  endTime: string,
  timeZone: string,
): string {
  const dayParts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
  });
  // Put together from its parts: ICU versions disagree on the punctuation between them.
  const day = {
    format(instant: Date): string {
      const parts = dayParts.formatToParts(instant);
      const part = (type: Intl.DateTimeFormatPartTypes) =>
        parts.find((p) => p.type === type)?.value ?? "";
      return `${part("weekday")} ${part("day")} ${part("month")} ${part("year")}`;
    },
  };
  const clock = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const start = new Date(startTime);
  const end = new Date(endTime);
  const startDay = day.format(start);
  const endDay = day.format(end);
  return startDay === endDay
    ? `${startDay}, ${clock.format(start)}–${clock.format(end)}`
    : `${startDay}, ${clock.format(start)} – ${endDay}, ${clock.format(end)}`;
}

// The user's choices, kept in cookies -----------------------------------------------------------

/** The studio the user works in (its id); the first of theirs when unset or no longer theirs. */
export const STUDIO_COOKIE = "studio";
/** The browser's time zone, which the pages show times in and read typed times in. */
export const TIME_ZONE_COOKIE = "time_zone";

/** The studio to show: the one chosen (`wanted`) while the user still belongs to it, else the first. */
export function chooseStudio(
  tenants: Tenant[],
  wanted: string | undefined,
): Tenant | null {
  return tenants.find((tenant) => tenant.id === wanted) ?? tenants[0] ?? null;
}

/** The time zone of the cookie, or UTC when there is none (yet) or it names no zone. */
export function timeZoneOr(value: string | undefined): string {
  let zone = value ?? "";
  try {
    zone = decodeURIComponent(zone); // as the browser wrote it: "Europe%2FParis"
  } catch {
    return "UTC";
  }
  return isTimeZone(zone) ? zone : "UTC";
}

/** Owners and admins manage a studio's artists; every member books. */
export function canManageArtists(role: Role): boolean {
  return role === "owner" || role === "admin";
}

// Refusals ---------------------------------------------------------------------------------------

/** What the form says when the database refused an overlapping booking (409 booking_conflict). */
export function conflictMessage(artistName: string): string {
  return `${artistName} is already booked then. Pick another time, or make it a hold.`;
}

/** The service's `message`, one string, when it sent one. */
function messageOf(error: ApiError | null): string | null {
  const message = error?.message;
  if (Array.isArray(message)) {
    return message.join(" ") || null;
  }
  return message || null;
}

/** What to tell the user when the booking service refused or failed a request, by its status. */
export function failureText(status: number, error: ApiError | null): string {
  switch (error?.code) {
    case "forbidden":
      return "Only the studio's owners and admins can do that.";
    case "artist_not_found":
      return "This artist does not exist (any more).";
    default:
      break;
  }
  switch (status) {
    case 401:
      return "Your session has ended: sign in again.";
    case 403:
      return "You may not do that in this studio.";
    case 404:
      return "Not found: it does not exist, or it is not in this studio.";
    default:
      return (
        messageOf(error) ?? `The booking service answered ${status}. Try again.`
      );
  }
}
