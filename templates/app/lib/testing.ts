/**
 * For the unit tests: the auth service's answer to a refresh, without the service. The browser
 * tests (e2e/) run the real one.
 */
import { vi } from "vitest";

import type { TokenPair } from "./session";

export const newTokens: TokenPair = {
  access_token: "new-access",
  refresh_token: "new-refresh",
  token_type: "bearer",
  expires_in: 900,
  user: {
    id: "5d0c6a7e-3c41-4c2e-9a8e-0f7d8a1b2c3d",
    email: "ada@example.com",
    full_name: "Ada",
  },
};

/** Makes every `fetch` answer `status` with `body` as JSON, a moment later; returns the stub. */
export function serviceAnswering(status: number, body: unknown) {
  const fetch = vi.fn<(request: Request) => Promise<Response>>(async () => {
    await new Promise((resolve) => setTimeout(resolve, 10));
    return new Response(JSON.stringify(body), {
      status,
      headers: { "Content-Type": "application/json" },
    });
  });
  vi.stubGlobal("fetch", fetch);
  return fetch;
}
