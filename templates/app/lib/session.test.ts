import { afterEach, describe, expect, it, vi } from "vitest";

import {
  ACCESS_COOKIE,
  REFRESH_COOKIE,
  refreshSession,
  sessionCookies,
} from "./session";
import { newTokens as tokens, serviceAnswering } from "./testing";

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("sessionCookies", () => {
  it("keeps both tokens in httpOnly cookies, the access token only until it expires", () => {
    const [access, refresh] = sessionCookies(tokens);
    expect(access?.[0]).toBe(ACCESS_COOKIE);
    expect(access?.[1]).toBe("new-access");
    expect(access?.[2]).toMatchObject({
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      maxAge: 890,
    });
    expect(refresh?.[0]).toBe(REFRESH_COOKIE);
    expect(refresh?.[2]).toMatchObject({
      httpOnly: true,
      sameSite: "lax",
      path: "/",
    });
    expect(refresh?.[2].maxAge).toBeGreaterThan(890);
  });
});

describe("refreshSession", () => {
  it("sends one refresh for requests that arrive together with the same token", async () => {
    const fetch = serviceAnswering(200, tokens);
    const answers = await Promise.all([
      refreshSession("old"),
      refreshSession("old"),
      refreshSession("old"),
    ]);
    expect(answers).toEqual([tokens, tokens, tokens]);
    expect(fetch).toHaveBeenCalledTimes(1);
    const [request] = fetch.mock.calls[0]!;
    expect(new URL(request.url).pathname).toBe("/auth/refresh");
    expect(await request.json()).toEqual({ refresh_token: "old" });
  });

  it("asks again once the first answer is in: a used token is not remembered", async () => {
    const fetch = serviceAnswering(401, {
      detail: "Invalid refresh token: sign in again",
    });
    expect(await refreshSession("used")).toBeNull();
    expect(await refreshSession("used")).toBeNull();
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("fails loudly when the service is down, instead of signing the user out", async () => {
    serviceAnswering(503, { detail: "unavailable" });
    await expect(refreshSession("any")).rejects.toThrow("answered 503");
  });
});
