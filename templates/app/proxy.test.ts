import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";

import { newTokens, serviceAnswering } from "./lib/testing";
import { proxy } from "./proxy";

function visit(
  path: string,
  cookies: Record<string, string> = {},
): NextRequest {
  const cookie = Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join("; ");
  return new NextRequest(new URL(path, "http://app.test"), {
    headers: cookie ? { cookie } : {},
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("proxy", () => {
  it("sends a visitor without a session to sign in, and back afterwards", async () => {
    const response = await proxy(visit("/organizations/42"));
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe(
      "http://app.test/sign-in?next=%2Forganizations%2F42",
    );
  });

  it("lets a request with an access token through untouched", async () => {
    const response = await proxy(
      visit("/organizations", { access_token: "a", refresh_token: "r" }),
    );
    expect(response.headers.get("x-middleware-next")).toBe("1");
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("trades the refresh token for a new pair when the access token has expired", async () => {
    serviceAnswering(200, newTokens);
    const response = await proxy(
      visit("/organizations", { refresh_token: "old-refresh" }),
    );
    expect(response.headers.get("x-middleware-next")).toBe("1");
    expect(response.cookies.get("access_token")).toMatchObject({
      value: "new-access",
      httpOnly: true,
    });
    expect(response.cookies.get("refresh_token")).toMatchObject({
      value: "new-refresh",
      httpOnly: true,
    });
  });

  it("signs out a session whose refresh token the service refuses", async () => {
    serviceAnswering(401, { detail: "Invalid refresh token: sign in again" });
    const response = await proxy(
      visit("/organizations", { refresh_token: "stolen" }),
    );
    expect(response.headers.get("location")).toBe(
      "http://app.test/sign-in?next=%2Forganizations",
    );
    expect(response.cookies.get("refresh_token")?.value).toBe("");
  });
});
