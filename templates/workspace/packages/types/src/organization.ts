import type { Timestamp } from "./common.js";

/** A row of `public.organizations`: the tenant. */
export interface Organization {
  id: string;
  name: string;
  slug: string;
  settings: Record<string, unknown>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A row of `public.profiles`, one per user. */
export interface Profile {
  id: string;
  full_name: string | null;
  avatar_url: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type MembershipRole = "owner" | "admin" | "member";

/** A row of `public.memberships`: who belongs to which organization, and as what. */
export interface Membership {
  organization_id: string;
  user_id: string;
  role: MembershipRole;
  created_at: Timestamp;
  updated_at: Timestamp;
}
