/** AuthGuard with the workspace's own tokens: HS256 with JWT_SECRET, Supabase's claims. */
import { describe, expect, it } from "vitest";
import { accessToken, createUser, useTestApp } from "./testing.js";

const testApp = useTestApp();

const getProfile = (authorization?: string) =>
  testApp.app.inject({
    method: "GET",
    url: "/profile",
    headers: authorization === undefined ? {} : { authorization },
  });

it("accepts an access token of the workspace's auth service", async () => {
  const ada = await createUser(testApp.database, "ada@example.com");

  const response = await getProfile(ada.headers.authorization);

  expect(response.statusCode).toBe(200);
  expect(response.json()).toMatchObject({ id: ada.id });
});

describe("without a valid access token it is 401", () => {
  it("when the header is missing, with WWW-Authenticate: Bearer", async () => {
    const response = await getProfile();

    expect(response.statusCode).toBe(401);
    expect(response.headers["www-authenticate"]).toBe("Bearer");
    expect(response.json()).toEqual({ detail: "Not authenticated" });
  });

  it("for an expired, forged, anonymous, foreign-audience or malformed token", async () => {
    const ada = await createUser(testApp.database, "ada@example.com");
    const tokens = {
      expired: await accessToken(ada.id, { expiresIn: "-1m" }),
      forged: await accessToken(ada.id, { secret: "f".repeat(64) }),
      anon: await accessToken(ada.id, { claims: { role: "anon" } }),
      audience: await accessToken(ada.id, { claims: { aud: "somebody-else" } }),
      notAUser: await accessToken("not-a-uuid"),
      garbage: "not.a.jwt",
    };

    for (const [kind, token] of Object.entries(tokens)) {
      const response = await getProfile(`Bearer ${token}`);
      expect(response.statusCode, kind).toBe(401);
      expect(response.headers["www-authenticate"], kind).toBe("Bearer");
      expect(response.json(), kind).toEqual({
        detail: "Invalid or expired token",
      });
    }
  });

  it("for another scheme than Bearer", async () => {
    const ada = await createUser(testApp.database, "ada@example.com");

    expect((await getProfile(`Basic ${ada.accessToken}`)).statusCode).toBe(401);
  });
});
