/**
 * The booking tables of one app's schema (app_<app>), described for Drizzle's query builder. Every
 * booking app has the same tables (supabase/migrations/*_app_<app>_bookings.sql), each in its own
 * schema, so they are built per schema here and listed per app in apps.ts.
 *
 * A description only: the migrations create and change the tables, never this file. Keep the two
 * in step by hand.
 *
 * Each writable table comes twice. `bookings` has every column, for reading and updating. The
 * `*Insert` twin has only the columns the migration grants INSERT on to authenticated: Drizzle
 * names every column of a table in an INSERT (`default` for those not given), and PostgreSQL checks
 * the privilege of every column named, so an INSERT through the full table would be refused.
 */
import {
  bigint,
  boolean,
  date,
  integer,
  jsonb,
  pgSchema,
  smallint,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true });

export const BOOKING_STATUSES = [
  "hold",
  "pencil",
  "confirmed",
  "cancelled",
  "expired",
] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];
export const EVENT_TYPES = ["created", "updated", "deleted"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The tables of the booking app whose schema is `schemaName`. */
export function bookingTables(schemaName: string) {
  const schema = pgSchema(schemaName);

  const artists = schema.table("artists", {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull(),
    name: text("name").notNull(),
    email: text("email"),
    notes: text("notes"),
    active: boolean("active").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    updatedAt: timestamptz("updated_at").notNull(),
  });
  const artistsInsert = schema.table("artists", {
    name: text("name").notNull(),
    email: text("email"),
    notes: text("notes"),
    active: boolean("active"),
  });

  const projects = schema.table("projects", {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull(),
    createdBy: uuid("created_by"),
    name: text("name").notNull(),
    description: text("description"),
    createdAt: timestamptz("created_at").notNull(),
    updatedAt: timestamptz("updated_at").notNull(),
  });
  // projects comes from the app's schema migration, which grants whole-table INSERT; created_by
  // and tenant_id are still left to their defaults (the caller, the transaction's tenant).
  const projectsInsert = schema.table("projects", {
    name: text("name").notNull(),
    description: text("description"),
  });

  const projectPhases = schema.table("project_phases", {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull(),
    projectId: uuid("project_id").notNull(),
    name: text("name").notNull(),
    startsOn: date("starts_on").notNull(),
    endsOn: date("ends_on").notNull(),
    position: integer("position").notNull(),
    progress: smallint("progress").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    updatedAt: timestamptz("updated_at").notNull(),
  });
  const projectPhasesInsert = schema.table("project_phases", {
    projectId: uuid("project_id").notNull(),
    name: text("name").notNull(),
    startsOn: date("starts_on").notNull(),
    endsOn: date("ends_on").notNull(),
    position: integer("position"),
    progress: smallint("progress"),
  });

  const bookings = schema.table("bookings", {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull(),
    artistId: uuid("artist_id").notNull(),
    projectId: uuid("project_id"),
    phaseId: uuid("phase_id"),
    title: text("title").notNull(),
    notes: text("notes"),
    status: text("status", { enum: BOOKING_STATUSES }).notNull(),
    startTime: timestamptz("start_time").notNull(),
    endTime: timestamptz("end_time").notNull(),
    holdExpiresAt: timestamptz("hold_expires_at"),
    version: integer("version").notNull(),
    createdBy: uuid("created_by"),
    createdAt: timestamptz("created_at").notNull(),
    updatedAt: timestamptz("updated_at").notNull(),
  });
  const bookingsInsert = schema.table("bookings", {
    artistId: uuid("artist_id").notNull(),
    projectId: uuid("project_id"),
    phaseId: uuid("phase_id"),
    title: text("title").notNull(),
    notes: text("notes"),
    status: text("status", { enum: BOOKING_STATUSES }),
    startTime: timestamptz("start_time").notNull(),
    endTime: timestamptz("end_time").notNull(),
    holdExpiresAt: timestamptz("hold_expires_at"),
  });

  // Read-only for every client: the trigger of bookings appends to it.
  const bookingEvents = schema.table("booking_events", {
    id: bigint("id", { mode: "number" }).primaryKey(),
    tenantId: uuid("tenant_id").notNull(),
    bookingId: uuid("booking_id").notNull(),
    type: text("type", { enum: EVENT_TYPES }).notNull(),
    version: integer("version").notNull(),
    data: jsonb("data").$type<Record<string, unknown> | null>(),
    actor: uuid("actor"),
    occurredAt: timestamptz("occurred_at").notNull(),
  });

  return {
    schema: schemaName,
    artists,
    artistsInsert,
    projects,
    projectsInsert,
    projectPhases,
    projectPhasesInsert,
    bookings,
    bookingsInsert,
    bookingEvents,
  };
}

export type BookingTables = ReturnType<typeof bookingTables>;
