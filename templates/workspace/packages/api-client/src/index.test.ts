import { describe, expect, it } from "vitest";

import { createApiClient } from "./index.js";

/** A fetch that answers every request with `body` and remembers what was asked. */
function fakeFetch(status: number, body: unknown) {
  const requests: Request[] = [];
  const fetch = async (request: Request) => {
    requests.push(request);
    return new Response(JSON.stringify(body), {
      status,
      headers: { "Content-Type": "application/json" },
    });
  };
  return { fetch, requests };
}

const user = {
  id: "5d0c6a7e-3c41-4c2e-9a8e-0f7d8a1b2c3d",
  email: "ada@example.com",
  full_name: "Ada",
};

describe("createApiClient", () => {
  it("logs in with a JSON body and returns the typed token pair", async () => {
    const tokens = {
      access_token: "a",
      refresh_token: "r",
      token_type: "bearer",
      expires_in: 900,
      user,
    };
    const { fetch, requests } = fakeFetch(200, tokens);
    const api = createApiClient(
      "http://api.test",
      () => "unused-when-logging-in",
      { fetch },
    );

    const { data, error } = await api.POST("/auth/login", {
      body: { email: "ada@example.com", password: "correct horse" },
    });

    expect(error).toBeUndefined();
    expect(data?.user.email).toBe("ada@example.com");
    const [request] = requests;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe("http://api.test/auth/login");
    expect(request?.headers.get("Content-Type")).toBe("application/json");
    expect(await request?.json()).toEqual({
      email: "ada@example.com",
      password: "correct horse",
    });
  });

  it("lists organizations with the caller's access token as a bearer token", async () => {
    const { fetch, requests } = fakeFetch(200, []);
    const api = createApiClient(
      "http://api.test/",
      async () => "the-access-token",
      { fetch },
    );

    const { data } = await api.GET("/organizations");

    expect(data).toEqual([]);
    expect(requests[0]?.method).toBe("GET");
    expect(requests[0]?.url).toBe("http://api.test/organizations");
    expect(requests[0]?.headers.get("Authorization")).toBe(
      "Bearer the-access-token",
    );
  });

  it("sends no Authorization header when signed out, and returns the error body on 401", async () => {
    const { fetch, requests } = fakeFetch(401, { detail: "Not authenticated" });
    const api = createApiClient("http://api.test", () => null, { fetch });

    const { data, error, response } = await api.GET("/organizations");

    expect(data).toBeUndefined();
    expect(response.status).toBe(401);
    expect(error).toEqual({ detail: "Not authenticated" });
    expect(requests[0]?.headers.has("Authorization")).toBe(false);
  });
});
