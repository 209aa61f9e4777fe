/**
 * Queries, run in a transaction as the signed-in user (Database.asUser): row level security filters
 * every one of them, and the `where` only says which of the visible rows is meant.
 */
import { eq, sql } from "drizzle-orm";
import type { Tx } from "../db/database.js";
import { profiles } from "../db/schema.js";
import type { Profile, ProfileUpdate } from "./profile.schema.js";

const columns = {
  id: profiles.id,
  full_name: profiles.fullName,
  avatar_url: profiles.avatarUrl,
};
const caller = sql`(select auth.uid())`;

/** The caller's profile; undefined when the user behind the token no longer exists. */
export async function getOwnProfile(tx: Tx): Promise<Profile | undefined> {
  const rows = await tx
    .select(columns)
    .from(profiles)
    .where(eq(profiles.id, caller));
  return rows[0];
}

/** The caller's profile after the change; undefined when the user no longer exists. */
export async function updateOwnProfile(
  tx: Tx,
  change: ProfileUpdate,
): Promise<Profile | undefined> {
  const set = {
    ...(change.full_name !== undefined && { fullName: change.full_name }),
    ...(change.avatar_url !== undefined && { avatarUrl: change.avatar_url }),
  };
  if (Object.keys(set).length === 0) {
    return getOwnProfile(tx);
  }
  const rows = await tx
    .update(profiles)
    .set(set)
    .where(eq(profiles.id, caller))
    .returning(columns);
  return rows[0];
}
