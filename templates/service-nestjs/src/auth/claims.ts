/**
 * The verified payload of a signed-in user's access token: Supabase's claims, as the workspace's
 * auth service issues them (python_common.security): `sub` (the user's id in auth.users), `role` and
 * `aud` (`authenticated`), `exp`, `iat`, `email`, `session_id`.
 */
import { z } from "zod";

// Tokens carry more claims (aal, amr, app_metadata, an outside issuer's own): keep them all, so that
// `request.jwt.claims` in the database sees what auth.jwt() would see on Supabase.
export const AccessClaims = z.looseObject({
  sub: z.string().min(1),
  role: z.string().optional(),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number(),
  iat: z.number(),
  email: z.string().optional(),
  session_id: z.string().optional(),
});

export type AccessClaims = z.infer<typeof AccessClaims>;

/** Supabase's `role` and `aud` of a signed-in user's token, and the PostgreSQL role it acts as. */
export const AUTHENTICATED = "authenticated";
