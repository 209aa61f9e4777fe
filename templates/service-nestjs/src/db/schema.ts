/**
 * The tables this service queries, described for Drizzle's query builder. A description only: the
 * tables are created and changed by the SQL files of supabase/migrations, never from here, so keep
 * these in step with them by hand (a column missing here simply cannot be queried).
 */
import { pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** public.profiles: the readable, editable part of a user, 1:1 with auth.users. */
export const profiles = pgTable("profiles", {
  id: uuid("id").primaryKey(),
  fullName: text("full_name"),
  avatarUrl: text("avatar_url"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
});
