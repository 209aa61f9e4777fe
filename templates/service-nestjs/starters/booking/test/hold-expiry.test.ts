/**
 * Hold expiry through BullMQ on a real Redis: creating a hold queues a delayed job at its deadline,
 * the worker runs expire_due_holds() as the service's role, and the tenant's clients hear of it.
 * The queue's keys live under a prefix of this test file's own, deleted afterwards.
 */
import type { NestFastifyApplication } from "@nestjs/platform-fastify";
import { Redis } from "ioredis";
import { io, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  BOOKING_CHANGED,
  BOOKINGS_NAMESPACE,
} from "../src/booking/booking.gateway.js";
import type { BookingChanged } from "../src/booking/booking.schema.js";
import { HOLDS_QUEUE, HoldExpiry } from "../src/booking/hold-expiry.js";
import {
  APP,
  artistIn,
  at,
  cleanRedis,
  client,
  HAS_BOOKING_APP,
  redisForTests,
  SCHEMA,
  startBookingApp,
  tenantWith,
} from "./booking-fixtures.js";
import {
  createTestDatabase,
  createUser,
  type TestDatabase,
} from "./testing.js";

describe.skipIf(!HAS_BOOKING_APP)("hold expiry", () => {
  const redis = redisForTests();
  let database: TestDatabase;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startBookingApp(database, redis);
    await app.listen(0, "127.0.0.1");
  });

  afterEach(() => database.emptyTables());

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    await cleanRedis(redis);
  });

  const until = async <T>(
    probe: () => Promise<T | undefined>,
    timeoutMs: number,
  ): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) {
        return value;
      }
      if (Date.now() > deadline) {
        throw new Error(`nothing after ${timeoutMs} ms`);
      }
      await new Promise((done) => setTimeout(done, 100));
    }
  };

  it("turns a hold into an expired booking once its deadline has passed, and tells the tenant's clients", async () => {
    const [ada, bob] = await Promise.all(
      ["ada", "bob"].map((n) => createUser(database, `${n}@example.com`)),
    );
    const engines = await tenantWith(database, "engines", [[ada!, "owner"]]);
    const looms = await tenantWith(database, "looms", [[bob!, "owner"]]);
    const lovelace = await artistIn(database, engines, "Lovelace");
    const url = `${await app.getUrl()}${BOOKINGS_NAMESPACE}`.replace(
      "[::1]",
      "127.0.0.1",
    );
    const heard: Record<string, BookingChanged[]> = { ada: [], bob: [] };
    const sockets: Socket[] = [];
    for (const [name, user, tenantId] of [
      ["ada", ada!, engines],
      ["bob", bob!, looms],
    ] as const) {
      const socket = io(url, {
        auth: { token: user.accessToken, tenantId },
        transports: ["websocket"],
        reconnection: false,
        forceNew: true,
      });
      socket.on(BOOKING_CHANGED, (change: BookingChanged) =>
        heard[name]!.push(change),
      );
      await new Promise<void>((resolve, reject) =>
        socket.once("connect", resolve).once("connect_error", reject),
      );
      sockets.push(socket);
    }
    const api = client(app, ada!, engines);
    const deadline = new Date(Date.now() + 1_500).toISOString();
    const later = new Date(Date.now() + 3_600_000).toISOString();

    const hold = (
      await api.post("/bookings", {
        artistId: lovelace,
        title: "soon",
        status: "hold",
        startTime: at(9),
        endTime: at(12),
        holdExpiresAt: deadline,
      })
    ).body;
    const lasting = (
      await api.post("/bookings", {
        artistId: lovelace,
        title: "later",
        status: "hold",
        startTime: at(9),
        endTime: at(12),
        holdExpiresAt: later,
      })
    ).body;

    // The job waits in this file's queue, under its prefix.
    const inspect = new Redis(redis.url);
    try {
      expect(
        await inspect.zcard(`${redis.prefix}:${HOLDS_QUEUE}:delayed`),
      ).toBeGreaterThanOrEqual(2);
    } finally {
      inspect.disconnect();
    }
    expect((await api.get(`/bookings/${hold.id}`)).body.status).toBe("hold");

    const expired = await until(async () => {
      const current = (await api.get(`/bookings/${hold.id}`)).body;
      return current.status === "expired" ? current : undefined;
    }, 15_000);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(deadline));
    expect(expired).toMatchObject({ status: "expired", version: 2 });
    expect((await api.get(`/bookings/${lasting.id}`)).body).toMatchObject({
      status: "hold",
      version: 1,
    });
    // An `updated` event without an actor: the worker is no user.
    const events = (await api.get(`/bookings/${hold.id}/events`)).body;
    expect(events.at(-1)).toMatchObject({
      type: "updated",
      version: 2,
      actor: null,
      data: { status: "expired", version: 2 },
    });

    await until(
      async () =>
        heard.ada!.some((c) => c.bookingId === hold.id && c.type === "updated")
          ? true
          : undefined,
      5_000,
    );
    expect(
      heard.ada!.find((c) => c.bookingId === hold.id && c.type === "updated"),
    ).toEqual({
      app: APP,
      type: "updated",
      booking: null,
      bookingId: hold.id,
    });
    expect(heard.bob).toEqual([]);
    // Done jobs are not kept (a sweep runs every minute, forever).
    const keys = new Redis(redis.url);
    try {
      expect(await keys.zcard(`${redis.prefix}:${HOLDS_QUEUE}:completed`)).toBe(
        0,
      );
    } finally {
      keys.disconnect();
    }
    for (const socket of sockets) {
      socket.disconnect();
    }
  });

  it("expires due holds of every tenant when swept, and nothing else", async () => {
    const ada = await createUser(database, "ada@example.com");
    const engines = await tenantWith(database, "engines", [[ada, "owner"]]);
    const lovelace = await artistIn(database, engines, "Lovelace");
    // Holds written behind the API's back (no job queued): only the sweep finds them.
    const { rows } = await database.query<{ id: string }>(
      `insert into ${SCHEMA}.bookings (tenant_id, artist_id, title, status, start_time, end_time, hold_expires_at)
     values ($1, $2, 'due', 'hold', $3, $4, now() - interval '1 second'),
            ($1, $2, 'not yet', 'hold', $3, $4, now() + interval '1 hour'),
            ($1, $2, 'pencil', 'pencil', $3, $4, null)
     returning id`,
      [engines, lovelace, at(9), at(12)],
    );

    const expired = await app.get(HoldExpiry).expireDue();

    expect(expired).toEqual([
      { app: APP, tenantId: engines, bookingId: rows[0]!.id, version: 2 },
    ]);
    const statuses = await database.query(
      `select title, status from ${SCHEMA}.bookings order by title`,
    );
    expect(statuses.rows).toEqual([
      { title: "due", status: "expired" },
      { title: "not yet", status: "hold" },
      { title: "pencil", status: "pencil" },
    ]);
  });

  it("keeps booking while Redis is unreachable: the request does not wait for it", async () => {
    const ada = await createUser(database, "ada@example.com");
    const engines = await tenantWith(database, "engines", [[ada, "owner"]]);
    const lovelace = await artistIn(database, engines, "Lovelace");
    // Nothing listens on port 1.
    const started = Date.now();
    const offline = await startBookingApp(database, {
      url: "redis://127.0.0.1:1",
      prefix: redis.prefix,
    });
    try {
      const reply = await client(offline, ada, engines).post("/bookings", {
        artistId: lovelace,
        title: "held",
        status: "hold",
        startTime: at(9),
        endTime: at(12),
        holdExpiresAt: new Date(Date.now() + 1_000).toISOString(),
      });

      expect(reply.status).toBe(201);
      expect(Date.now() - started).toBeLessThan(8_000);
      // The hold's job is lost; the sweep (once Redis is back) needs only the database.
      await new Promise((done) => setTimeout(done, 1_100));
      const expired = await offline.get(HoldExpiry).expireDue();
      expect(expired.map((e) => e.bookingId)).toEqual([reply.body.id]);
    } finally {
      await offline.close();
    }
  });
});
