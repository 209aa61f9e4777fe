/**
 * Socket.IO namespace /bookings on the listening app: a client hears of the changes in its own
 * tenant only, and the handshake admits members of the tenant only.
 */
import type { NestFastifyApplication } from "@nestjs/platform-fastify";
import { io, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  BOOKING_CHANGED,
  BOOKINGS_NAMESPACE,
} from "../src/booking/booking.gateway.js";
import type { BookingChanged } from "../src/booking/booking.schema.js";
import {
  APP,
  artistIn,
  at,
  client,
  HAS_BOOKING_APP,
  startBookingApp,
  tenantWith,
} from "./booking-fixtures.js";
import {
  accessToken,
  createTestDatabase,
  createUser,
  type SignedInUser,
  type TestDatabase,
} from "./testing.js";

describe.skipIf(!HAS_BOOKING_APP)("booking changes over Socket.IO", () => {
  let database: TestDatabase;
  let app: NestFastifyApplication;
  let url: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startBookingApp(database);
    await app.listen(0, "127.0.0.1");
    url = `${await app.getUrl()}${BOOKINGS_NAMESPACE}`.replace(
      "[::1]",
      "127.0.0.1",
    );
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) {
      socket.disconnect();
    }
    await database.emptyTables();
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  interface Listener {
    socket: Socket;
    received: BookingChanged[];
    next(): Promise<BookingChanged>;
  }

  /** A connected client of `tenantId`, collecting every booking.changed it receives. */
  async function listen(
    user: SignedInUser,
    tenantId: string,
  ): Promise<Listener> {
    const socket = connect({ token: user.accessToken, tenantId });
    sockets.push(socket);
    const received: BookingChanged[] = [];
    const waiting: ((change: BookingChanged) => void)[] = [];
    socket.on(BOOKING_CHANGED, (change: BookingChanged) => {
      received.push(change);
      waiting.shift()?.(change);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("connect_error", reject);
    });
    let seen = 0;
    return {
      socket,
      received,
      next: () =>
        seen < received.length
          ? Promise.resolve(received[seen++]!)
          : new Promise((resolve) =>
              waiting.push((change) => (seen++, resolve(change))),
            ),
    };
  }

  function connect(auth: Record<string, unknown>): Socket {
    return io(url, {
      auth,
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
    });
  }

  /** The reason the server refused the handshake with `auth`. */
  async function refusal(auth: Record<string, unknown>): Promise<string> {
    const socket = connect(auth);
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once("connect", () =>
        reject(new Error("the handshake was accepted")),
      );
      socket.once("connect_error", (error) => resolve(error.message));
    });
  }

  it("tells the clients of the booking's tenant, and nobody in another tenant", async () => {
    const [ada, cy, bob] = await Promise.all(
      ["ada", "cy", "bob"].map((n) => createUser(database, `${n}@example.com`)),
    );
    const engines = await tenantWith(database, "engines", [
      [ada!, "owner"],
      [cy!, "member"],
    ]);
    const looms = await tenantWith(database, "looms", [[bob!, "owner"]]);
    const lovelace = await artistIn(database, engines, "Lovelace");
    const jacquard = await artistIn(database, looms, "Jacquard");
    const cyListens = await listen(cy!, engines);
    const bobListens = await listen(bob!, looms);

    const created = await client(app, ada!, engines).post("/bookings", {
      artistId: lovelace,
      title: "Engine",
      status: "pencil",
      startTime: at(9),
      endTime: at(12),
    });
    const heard = await cyListens.next();
    // Bob's own tenant's change reaches him: had Ada's reached him too, it would have come first.
    await client(app, bob!, looms).post("/bookings", {
      artistId: jacquard,
      title: "Loom",
      status: "pencil",
      startTime: at(9),
      endTime: at(12),
    });
    const bobHeard = await bobListens.next();
    await client(app, ada!, engines).patch(`/bookings/${created.body.id}`, {
      version: 1,
      status: "confirmed",
    });
    await client(app, ada!, engines).delete(`/bookings/${created.body.id}`);
    const updated = await cyListens.next();
    const deleted = await cyListens.next();
    // Again: a second change of Bob's, heard after Ada's update and delete were sent.
    await client(app, bob!, looms).post("/bookings", {
      artistId: jacquard,
      title: "Loom 2",
      status: "pencil",
      startTime: at(12),
      endTime: at(13),
    });
    await bobListens.next();

    expect(heard).toEqual({
      app: APP,
      type: "created",
      booking: created.body,
      bookingId: created.body.id,
    });
    expect(updated).toMatchObject({
      app: APP,
      type: "updated",
      booking: { status: "confirmed", version: 2 },
    });
    expect(deleted).toEqual({
      app: APP,
      type: "deleted",
      booking: null,
      bookingId: created.body.id,
    });
    expect(bobHeard.booking?.title).toBe("Loom");
    expect(bobListens.received.map((c) => c.booking?.title ?? null)).toEqual([
      "Loom",
      "Loom 2",
    ]);
    expect(cyListens.received.map((c) => c.type)).toEqual([
      "created",
      "updated",
      "deleted",
    ]);
  });

  it("refuses a handshake without a valid token, for a tenant one is not a member of, or without a tenant", async () => {
    const [ada, bob] = await Promise.all(
      ["ada", "bob"].map((n) => createUser(database, `${n}@example.com`)),
    );
    const engines = await tenantWith(database, "engines", [[ada!, "owner"]]);

    expect(
      await refusal({ token: bob!.accessToken, tenantId: engines }),
    ).toMatch(/^forbidden/);
    expect(
      await refusal({
        token: await accessToken(ada!.id, { secret: "x".repeat(64) }),
        tenantId: engines,
      }),
    ).toMatch(/^unauthorized/);
    expect(await refusal({ token: ada!.accessToken })).toMatch(/^unauthorized/);
    expect(await refusal({})).toMatch(/^unauthorized/);
    // The member herself is admitted.
    expect((await listen(ada!, engines)).socket.connected).toBe(true);
  });
});
