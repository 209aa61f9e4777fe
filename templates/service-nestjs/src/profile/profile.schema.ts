import { z } from "zod";

/** The readable part of a user (public.profiles). */
export const Profile = z
  .object({
    id: z.uuid(),
    full_name: z.string().nullable(),
    avatar_url: z.string().nullable(),
  })
  .meta({ id: "Profile" });
export type Profile = z.infer<typeof Profile>;

/** What PATCH /profile may change; a field left out stays as it is, null clears it. */
export const ProfileUpdate = z
  .strictObject({
    full_name: z.string().trim().min(1).max(200).nullable().optional(),
    avatar_url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .nullable()
      .optional(),
  })
  .meta({ id: "ProfileUpdate" });
export type ProfileUpdate = z.infer<typeof ProfileUpdate>;
