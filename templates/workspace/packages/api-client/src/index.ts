/**
 * A typed client for the auth service's API (sign-up, tokens, organizations, members and each
 * app's projects), on openapi-fetch. Paths, bodies and responses come from `schema.ts`, which
 * `pnpm generate` derives from the OpenAPI document the service serves.
 */
import createClient, { type Client } from "openapi-fetch";

import type { paths } from "./schema.js";

export type { components, operations, paths } from "./schema.js";

export type ApiClient = Client<paths>;

/** Returns the current access token, or nothing when signed out (the request then goes without). */
export type AccessTokenSource = () =>
  string | null | undefined | Promise<string | null | undefined>;

export interface ApiClientOptions {
  /** The fetch to use (tests, or Next.js's fetch with caching options); the global one by default. */
  fetch?: (request: Request) => Promise<Response>;
}

/**
 * `createApiClient("http://localhost:8000", () => session.accessToken)`: every request gets
 * `Authorization: Bearer <token>` when the source has a token, unless the call sets its own.
 */
export function createApiClient(
  baseUrl: string,
  getAccessToken?: AccessTokenSource,
  options: ApiClientOptions = {},
): ApiClient {
  const client = createClient<paths>({
    baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  if (getAccessToken) {
    client.use({
      async onRequest({ request }) {
        const token = await getAccessToken();
        if (token && !request.headers.has("Authorization")) {
          request.headers.set("Authorization", `Bearer ${token}`);
        }
        return request;
      },
    });
  }
  return client;
}
