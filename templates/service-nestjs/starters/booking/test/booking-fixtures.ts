/**
 * Fixtures of the booking tests, on top of the skeleton's (testing.ts): tenants with roles, artists,
 * a client for the booking endpoints, and the Redis the hold-expiry queue runs on.
 *
 * Redis: TEST_REDIS_URL (environment, else the workspace's .env; default the local server). Each
 * app gets a key prefix of its own (REDIS_PREFIX), and `cleanRedis` deletes every key under it,
 * so test runs sharing a Redis (CI, two checkouts) never see each other's jobs.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import type { NestFastifyApplication } from "@nestjs/platform-fastify";
import { Redis } from "ioredis";
import { BOOKING_APPS } from "../src/booking/apps.js";
import type { Environment } from "../src/config.js";
import {
  type SignedInUser,
  startApp,
  testConfig,
  type TestDatabase,
  WORKSPACE_ROOT,
} from "./testing.js";

/**
 * The booking app every test uses: the first app of the workspace with starter booking. Without
 * one there are no booking tables, and the booking tests are skipped (HAS_BOOKING_APP).
 */
export const HAS_BOOKING_APP = BOOKING_APPS.size > 0;
export const APP = [...BOOKING_APPS.keys()][0] ?? "none";
export const SCHEMA = BOOKING_APPS.get(APP)?.schema ?? "none";

export function testRedisUrl(): string {
  const given = process.env.TEST_REDIS_URL;
  if (given !== undefined && given !== "") {
    return given;
  }
  const file = join(WORKSPACE_ROOT, ".env");
  const fromFile = existsSync(file)
    ? parseEnv(readFileSync(file, "utf8")).TEST_REDIS_URL
    : undefined;
  return fromFile || "redis://127.0.0.1:6379/0";
}

export interface RedisForTests {
  url: string;
  prefix: string;
}

/** A Redis key prefix for one test file. */
export function redisForTests(): RedisForTests {
  return {
    url: testRedisUrl(),
    prefix: `test-booking-${randomBytes(4).toString("hex")}`,
  };
}

/** Deletes every key under the prefix. */
export async function cleanRedis({
  url,
  prefix,
}: RedisForTests): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(
        cursor,
        "MATCH",
        `${prefix}:*`,
        "COUNT",
        500,
      );
      if (keys.length > 0) {
        await redis.del(...keys);
      }
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

/** The app on the test database, its hold-expiry queue on the test Redis when `redis` is given. */
export function startBookingApp(
  database: TestDatabase,
  redis?: RedisForTests,
  env: Environment = {},
): Promise<NestFastifyApplication> {
  const overrides: Environment =
    redis === undefined
      ? env
      : { REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, ...env };
  return startApp(testConfig(database, overrides));
}

export type Role = "owner" | "admin" | "member";

/** A tenant with `members` in it, each with their role, inserted as the owner of the database. */
export async function tenantWith(
  database: TestDatabase,
  slug: string,
  members: [SignedInUser, Role][],
): Promise<string> {
  const { rows } = await database.query<{ id: string }>(
    "insert into public.tenants (name, slug) values ($1, $2) returning id",
    [slug.replace(/^./, (c) => c.toUpperCase()), slug],
  );
  const id = rows[0]!.id;
  for (const [user, role] of members) {
    await database.query(
      "insert into public.tenant_members (tenant_id, user_id, role) values ($1, $2, $3)",
      [id, user.id, role],
    );
  }
  return id;
}

/** An artist of `tenantId`, inserted as the owner of the database. */
export async function artistIn(
  database: TestDatabase,
  tenantId: string,
  name: string,
): Promise<string> {
  const { rows } = await database.query<{ id: string }>(
    `insert into ${SCHEMA}.artists (tenant_id, name) values ($1, $2) returning id`,
    [tenantId, name],
  );
  return rows[0]!.id;
}

// Replies are checked field by field with expect(): typing each one would only restate the schemas.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Reply<T = Json> {
  status: number;
  body: T;
}

/** Requests to the booking endpoints as `user`, in `tenantId`. */
export function client(
  app: NestFastifyApplication,
  user: SignedInUser,
  tenantId?: string,
) {
  const request = async <T = Json>(
    method: "GET" | "POST" | "PATCH" | "DELETE",
    url: string,
    payload?: unknown,
  ): Promise<Reply<T>> => {
    const response = await app.inject({
      method,
      url,
      headers: {
        ...user.headers,
        ...(tenantId !== undefined && { "x-tenant-id": tenantId }),
      },
      ...(payload !== undefined && { payload: payload as object }),
    });
    return {
      status: response.statusCode,
      body: response.body === "" ? (undefined as T) : (response.json() as T),
    };
  };
  const base = `/apps/${APP}`;
  return {
    request,
    get: <T = Json>(path: string) => request<T>("GET", `${base}${path}`),
    post: <T = Json>(path: string, body: unknown) =>
      request<T>("POST", `${base}${path}`, body),
    patch: <T = Json>(path: string, body: unknown) =>
      request<T>("PATCH", `${base}${path}`, body),
    delete: <T = Json>(path: string) => request<T>("DELETE", `${base}${path}`),
  };
}

/** An instant `hours` after 2030-01-07 00:00 UTC, as the API writes it. */
export const at = (hours: number): string =>
  new Date(Date.UTC(2030, 0, 7) + hours * 3_600_000).toISOString();
