import { expect, it } from "vitest";
import { createUser, useTestApp } from "./testing.js";

const testApp = useTestApp();

it("gives a signed-in user their own profile, not another's", async () => {
  const ada = await createUser(testApp.database, "ada@example.com");
  const bob = await createUser(testApp.database, "bob@example.com");

  const response = await testApp.app.inject({
    method: "GET",
    url: "/profile",
    headers: ada.headers,
  });

  expect(response.statusCode).toBe(200);
  expect(response.json()).toEqual({
    id: ada.id,
    full_name: "Ada",
    avatar_url: null,
  });
  const asBob = await testApp.app.inject({
    method: "GET",
    url: "/profile",
    headers: bob.headers,
  });
  expect(asBob.json()).toEqual({
    id: bob.id,
    full_name: "Bob",
    avatar_url: null,
  });
});

it("answers 404 to a token whose user was deleted", async () => {
  const ada = await createUser(testApp.database, "ada@example.com");
  await testApp.database.query("delete from auth.users where id = $1", [
    ada.id,
  ]);

  const response = await testApp.app.inject({
    method: "GET",
    url: "/profile",
    headers: ada.headers,
  });

  expect(response.statusCode).toBe(404);
  expect(response.json()).toEqual({ detail: "Profile not found" });
});

it("changes the caller's own profile, and only theirs", async () => {
  const ada = await createUser(testApp.database, "ada@example.com");
  const bob = await createUser(testApp.database, "bob@example.com");

  const response = await testApp.app.inject({
    method: "PATCH",
    url: "/profile",
    headers: ada.headers,
    payload: {
      full_name: "Ada Lovelace",
      avatar_url: "https://example.com/ada.png",
    },
  });

  expect(response.statusCode).toBe(200);
  expect(response.json()).toEqual({
    id: ada.id,
    full_name: "Ada Lovelace",
    avatar_url: "https://example.com/ada.png",
  });
  const { rows } = await testApp.database.query(
    "select id, full_name from public.profiles order by full_name",
  );
  expect(rows).toEqual([
    { id: ada.id, full_name: "Ada Lovelace" },
    { id: bob.id, full_name: "Bob" },
  ]);
});

it("refuses an invalid body with 422 and the list of what is wrong", async () => {
  const ada = await createUser(testApp.database, "ada@example.com");

  const response = await testApp.app.inject({
    method: "PATCH",
    url: "/profile",
    headers: ada.headers,
    payload: {
      full_name: "x".repeat(201),
      avatar_url: "javascript:alert(1)",
      admin: true,
    },
  });

  expect(response.statusCode).toBe(422);
  const body = response.json<{
    detail: string;
    issues: Array<{ path: unknown[]; message: string }>;
  }>();
  expect(body.detail).toBe("Validation failed");
  expect(body.issues.map((issue) => issue.path)).toEqual(
    expect.arrayContaining([["full_name"], ["avatar_url"], []]),
  );
  const { rows } = await testApp.database.query(
    "select full_name from public.profiles where id = $1",
    [ada.id],
  );
  expect(rows).toEqual([{ full_name: "Ada" }]);
});
