/**
 * Runs before every page under /organizations (see `config`): only a signed-in user gets through.
 * With a live access token the request goes on. When only the refresh token is left (the access
 * cookie expired), it is traded for a new pair first, and the page renders with the new access
 * token. Without either, or when the service refuses the refresh token (expired, revoked at
 * sign-out, or already used: a stolen copy), the user is sent to /sign-in and comes back after.
 */
import { type NextRequest, NextResponse } from "next/server";

import {
  ACCESS_COOKIE,
  clearSession,
  REFRESH_COOKIE,
  refreshSession,
  writeSession,
} from "./lib/session";

export async function proxy(request: NextRequest): Promise<NextResponse> {
  if (request.cookies.has(ACCESS_COOKIE)) {
    return NextResponse.next();
  }
  const refreshToken = request.cookies.get(REFRESH_COOKIE)?.value;
  const tokens = refreshToken ? await refreshSession(refreshToken) : null;
  if (!tokens) {
    const signIn = new URL("/sign-in", request.url);
    signIn.searchParams.set("next", request.nextUrl.pathname);
    const response = NextResponse.redirect(signIn);
    clearSession(response.cookies);
    return response;
  }
  // The page rendered for this request reads the new tokens; the browser stores them.
  request.cookies.set(ACCESS_COOKIE, tokens.access_token);
  request.cookies.set(REFRESH_COOKIE, tokens.refresh_token);
  const response = NextResponse.next({ request });
  writeSession(response.cookies, tokens);
  return response;
}

export const config = {
  matcher: ["/organizations/:path*"],
};
