import type { Timestamp } from "./common.js";

/** The user as the auth service returns it (`POST /auth/register`, `GET /auth/me`). */
export interface User {
  id: string;
  email: string;
  full_name: string | null;
  created_at: Timestamp;
}

export interface RegisterRequest {
  email: string;
  password: string;
  full_name?: string | null;
}

export interface LoginRequest {
  email: string;
  password: string;
}

/** `POST /auth/login`; send it back as `Authorization: Bearer <access_token>`. */
export interface AccessToken {
  access_token: string;
  token_type: "bearer";
  /** Seconds until the token expires. */
  expires_in: number;
}
