import type { NestFastifyApplication } from "@nestjs/platform-fastify";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  createTestDatabase,
  startApp,
  testConfig,
  type TestDatabase,
} from "./testing.js";

let database: TestDatabase;
let app: NestFastifyApplication;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startApp(testConfig(database));
});

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

it("answers ok on /health, without a token", async () => {
  const response = await app.inject({ method: "GET", url: "/health" });

  expect(response.statusCode).toBe(200);
  expect(response.json()).toEqual({ status: "ok" });
});

it("answers an unknown path with 404 and the error shape of every service", async () => {
  const response = await app.inject({ method: "GET", url: "/nowhere" });

  expect(response.statusCode).toBe(404);
  expect(response.json()).toEqual({ detail: expect.any(String) });
});
