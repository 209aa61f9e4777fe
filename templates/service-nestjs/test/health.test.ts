import { expect, it } from "vitest";
import { useTestApp } from "./testing.js";

const testApp = useTestApp({ emptyTables: false });

it("answers ok on /health, without a token", async () => {
  const response = await testApp.app.inject({ method: "GET", url: "/health" });

  expect(response.statusCode).toBe(200);
  expect(response.json()).toEqual({ status: "ok" });
});

it("answers an unknown path with 404 and the error shape of every service", async () => {
  const response = await testApp.app.inject({ method: "GET", url: "/nowhere" });

  expect(response.statusCode).toBe(404);
  expect(response.json()).toEqual({ detail: expect.any(String) });
});
