/**
 * The auth service's API (`services/<first service>/`, see its README.md). Hand-written for now;
 * the OpenAPI document (`uv run python -m <module>.openapi`) is the reference.
 */

/** The signed-in user (`GET /auth/me`, and `user` of every `TokenPair`). */
export interface User {
  id: string;
  email: string;
  full_name: string | null;
}

/** `POST /auth/signup` (operation `signUp`). */
export interface SignUpRequest {
  email: string;
  /** At least 8 characters, at most 72 bytes in UTF-8. */
  password: string;
  full_name: string;
}

/** `POST /auth/login` (operation `logIn`). */
export interface LogInRequest {
  email: string;
  password: string;
}

/** `POST /auth/refresh` and `POST /auth/logout`: a refresh token is valid once. */
export interface RefreshRequest {
  refresh_token: string;
}

/**
 * What sign-up, log-in and refresh return. Send `access_token` as `Authorization: Bearer
 * <access_token>`; before it expires, trade `refresh_token` for a new pair.
 */
export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: "bearer";
  /** Seconds until the access token expires. */
  expires_in: number;
  user: User;
}
