/**
 * The booking endpoints against a real, migrated PostgreSQL: no double booking (the exclusion
 * constraint, 23P01 → 409), optimistic locking, the event log and its replay, and tenants kept
 * apart by the API and, beneath it, by row level security.
 */
import type { NestFastifyApplication } from "@nestjs/platform-fastify";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TokenVerifier } from "../src/auth/token-verifier.js";
import { Database } from "../src/db/database.js";
import {
  APP,
  artistIn,
  at,
  client,
  HAS_BOOKING_APP,
  SCHEMA,
  startBookingApp,
  tenantWith,
} from "./booking-fixtures.js";
import {
  createTestDatabase,
  createUser,
  type SignedInUser,
  type TestDatabase,
} from "./testing.js";

describe.skipIf(!HAS_BOOKING_APP)("the booking endpoints", () => {
  let database: TestDatabase;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startBookingApp(database);
  });

  afterEach(() => database.emptyTables());

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  interface Studio {
    ada: SignedInUser; // owner of engines
    cy: SignedInUser; // member of engines
    bob: SignedInUser; // owner of looms
    engines: string;
    looms: string;
    lovelace: string; // artist of engines
    jacquard: string; // artist of looms
  }

  async function studio(): Promise<Studio> {
    const [ada, cy, bob] = await Promise.all(
      ["ada", "cy", "bob"].map((n) => createUser(database, `${n}@example.com`)),
    );
    const engines = await tenantWith(database, "engines", [
      [ada!, "owner"],
      [cy!, "member"],
    ]);
    const looms = await tenantWith(database, "looms", [[bob!, "owner"]]);
    return {
      ada: ada!,
      cy: cy!,
      bob: bob!,
      engines,
      looms,
      lovelace: await artistIn(database, engines, "Lovelace"),
      jacquard: await artistIn(database, looms, "Jacquard"),
    };
  }

  const booking = (
    artistId: string,
    from: number,
    to: number,
    extra: Record<string, unknown> = {},
  ) => ({
    artistId,
    title: `${from}-${to}`,
    status: "confirmed",
    startTime: at(from),
    endTime: at(to),
    ...extra,
  });

  describe("double booking", () => {
    it("refuses an overlapping booking with 409 booking_conflict, which the database raised as 23P01", async () => {
      const s = await studio();
      const ada = client(app, s.ada, s.engines);
      expect(
        (await ada.post("/bookings", booking(s.lovelace, 9, 12))).status,
      ).toBe(201);

      const refused = await ada.post(
        "/bookings",
        booking(s.lovelace, 11, 13, { status: "pencil" }),
      );

      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        statusCode: 409,
        code: "booking_conflict",
      });
      expect(refused.body.message).toBe(
        `Lovelace is already booked between ${at(9)} and ${at(12)}`,
      );
      // Beneath the API, the same insert is refused by the exclusion constraint.
      const db = app.get(Database);
      const claims = await app.get(TokenVerifier).verify(s.ada.accessToken);
      await expect(
        db.asTenantUser(claims, s.engines, (tx) =>
          tx.execute(sql`insert into ${sql.identifier(SCHEMA)}.bookings (artist_id, title, status, start_time, end_time)
                       values (${s.lovelace}, 'direct', 'confirmed', ${at(10)}, ${at(11)})`),
        ),
      ).rejects.toMatchObject({
        cause: { code: "23P01", constraint: "bookings_no_overlap" },
      });
      const { rows } = await database.query(
        `select title from ${SCHEMA}.bookings`,
      );
      expect(rows).toEqual([{ title: "9-12" }]);
    });

    it("allows back-to-back bookings, holds over booked time, and the same time for another artist", async () => {
      const s = await studio();
      const ada = client(app, s.ada, s.engines);
      const babbage = await artistIn(database, s.engines, "Babbage");
      const hold = {
        status: "hold",
        holdExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      };

      const replies = [
        await ada.post("/bookings", booking(s.lovelace, 9, 12)),
        await ada.post("/bookings", booking(s.lovelace, 12, 14)),
        await ada.post(
          "/bookings",
          booking(s.lovelace, 7, 9, { status: "pencil" }),
        ),
        await ada.post("/bookings", booking(s.lovelace, 10, 11, hold)),
        await ada.post("/bookings", booking(s.lovelace, 10, 13, hold)),
        await ada.post("/bookings", booking(babbage, 9, 12)),
      ];

      expect(replies.map((r) => r.status)).toEqual([
        201, 201, 201, 201, 201, 201,
      ]);
      const listed = await ada.get(`/bookings?artistId=${s.lovelace}`);
      expect(listed.body.map((b: { title: string }) => b.title)).toEqual([
        "7-9",
        "9-12",
        "10-11",
        "10-13",
        "12-14",
      ]);
      // A hold blocks nothing, but becomes a pencil only where the time is free.
      const firstHold = replies[3]!.body;
      const promoted = await ada.patch(`/bookings/${firstHold.id}`, {
        version: firstHold.version,
        status: "pencil",
      });
      expect(promoted.status).toBe(409);
      expect(promoted.body.code).toBe("booking_conflict");
    });

    it("creates exactly one of 8 concurrent overlapping bookings, and answers the others 409", async () => {
      const s = await studio();
      const ada = client(app, s.ada, s.engines);

      const replies = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          ada.post(
            "/bookings",
            booking(s.lovelace, 9 + i * 0.25, 12 + i * 0.25),
          ),
        ),
      );

      expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
      expect(
        replies.filter(
          (r) => r.status === 409 && r.body.code === "booking_conflict",
        ),
      ).toHaveLength(7);
      const { rows } = await database.query(
        `select count(*)::int as n from ${SCHEMA}.bookings`,
      );
      expect(rows[0]).toEqual({ n: 1 });
    });

    it("a booking that does not fit is refused as a whole: cancelled frees the time", async () => {
      const s = await studio();
      const ada = client(app, s.ada, s.engines);
      const first = (await ada.post("/bookings", booking(s.lovelace, 9, 12)))
        .body;

      const cancelled = await ada.patch(`/bookings/${first.id}`, {
        version: first.version,
        status: "cancelled",
      });
      const again = await ada.post("/bookings", booking(s.lovelace, 9, 12));

      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ status: "cancelled", version: 2 });
      expect(again.status).toBe(201);
    });
  });

  describe("optimistic locking", () => {
    it("changes a booking at the version read, and refuses a stale version with 409 stale_version", async () => {
      const s = await studio();
      const ada = client(app, s.ada, s.engines);
      const cy = client(app, s.cy, s.engines);
      const created = (await ada.post("/bookings", booking(s.lovelace, 9, 12)))
        .body;

      const first = await ada.patch(`/bookings/${created.id}`, {
        version: 1,
        title: "Ada's",
      });
      const second = await cy.patch(`/bookings/${created.id}`, {
        version: 1,
        title: "Cy's",
      });

      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ title: "Ada's", version: 2 });
      expect(second.status).toBe(409);
      expect(second.body).toMatchObject({
        statusCode: 409,
        code: "stale_version",
      });
      expect((await cy.get(`/bookings/${created.id}`)).body).toMatchObject({
        title: "Ada's",
        version: 2,
      });
    });

    it("moves a booking in time, with the overlap still checked", async () => {
      const s = await studio();
      const ada = client(app, s.ada, s.engines);
      await ada.post("/bookings", booking(s.lovelace, 9, 12));
      const later = (await ada.post("/bookings", booking(s.lovelace, 13, 15)))
        .body;

      const clash = await ada.patch(`/bookings/${later.id}`, {
        version: 1,
        startTime: at(11),
      });
      const moved = await ada.patch(`/bookings/${later.id}`, {
        version: 1,
        startTime: at(12),
        endTime: at(16),
      });

      expect(clash.status).toBe(409);
      expect(clash.body.message).toBe(
        `Lovelace is already booked between ${at(9)} and ${at(12)}`,
      );
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({
        startTime: at(12),
        endTime: at(16),
        version: 2,
      });
    });
  });

  describe("the event log", () => {
    it("appends an event for every change, and the replay equals the booking row", async () => {
      const s = await studio();
      const ada = client(app, s.ada, s.engines);
      const hold = booking(s.lovelace, 9, 12, {
        status: "hold",
        holdExpiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        notes: "maybe",
      });
      const created = (await ada.post("/bookings", hold)).body;
      await ada.patch(`/bookings/${created.id}`, {
        version: 1,
        status: "pencil",
        notes: null,
      });
      const current = (
        await ada.patch(`/bookings/${created.id}`, {
          version: 2,
          status: "confirmed",
          endTime: at(11),
        })
      ).body;

      const events = await ada.get(`/bookings/${created.id}/events`);
      const replay = await ada.get(`/bookings/${created.id}/replay`);

      expect(events.status).toBe(200);
      expect(
        events.body.map(
          (e: { type: string; version: number; actor: string }) => [
            e.type,
            e.version,
            e.actor,
          ],
        ),
      ).toEqual([
        ["created", 1, s.ada.id],
        ["updated", 2, s.ada.id],
        ["updated", 3, s.ada.id],
      ]);
      expect(Object.keys(events.body[2].data).sort()).toEqual([
        "end_time",
        "status",
        "updated_at",
        "version",
      ]);
      // The replay is the row itself, as PostgreSQL writes it as JSON (in UTC)...
      const row = await database.query(
        `select to_jsonb(b) as row from ${SCHEMA}.bookings as b where id = $1`,
        [created.id],
      );
      expect(replay.status).toBe(200);
      expect(normalized(replay.body)).toEqual(normalized(row.rows[0]!.row));
      // ... and the booking the API answered.
      expect(replay.body).toMatchObject({
        id: current.id,
        status: "confirmed",
        version: 3,
        notes: null,
        tenant_id: s.engines,
      });
      for (const [column, field] of [
        ["start_time", "startTime"],
        ["end_time", "endTime"],
        ["hold_expires_at", "holdExpiresAt"],
        ["created_at", "createdAt"],
        ["updated_at", "updatedAt"],
      ] as const) {
        expect(Date.parse(replay.body[column]), column).toBe(
          Date.parse(current[field]),
        );
      }

      expect((await ada.delete(`/bookings/${created.id}`)).status).toBe(204);
      const after = await ada.get(`/bookings/${created.id}/events`);
      expect(after.body.at(-1)).toMatchObject({
        type: "deleted",
        version: 3,
        data: null,
      });
      expect((await ada.get(`/bookings/${created.id}/replay`)).status).toBe(
        404,
      );
    });
  });

  describe("tenants", () => {
    it("shows another tenant's bookings to nobody: its lists are empty, its booking 404, nothing written into it", async () => {
      const s = await studio();
      const ada = client(app, s.ada, s.engines);
      const created = (await ada.post("/bookings", booking(s.lovelace, 9, 12)))
        .body;
      // Bob names Ada's tenant, of which he is not a member...
      const bobInEngines = client(app, s.bob, s.engines);
      // ... or his own, with Ada's booking's id.
      const bobInLooms = client(app, s.bob, s.looms);

      expect((await bobInEngines.get("/bookings")).body).toEqual([]);
      expect((await bobInEngines.get("/artists")).body).toEqual([]);
      expect((await bobInLooms.get("/bookings")).body).toEqual([]);
      for (const bob of [bobInEngines, bobInLooms]) {
        expect((await bob.get(`/bookings/${created.id}`)).status).toBe(404);
        expect((await bob.get(`/bookings/${created.id}/events`)).status).toBe(
          404,
        );
        expect((await bob.get(`/bookings/${created.id}/replay`)).status).toBe(
          404,
        );
        expect(
          (
            await bob.patch(`/bookings/${created.id}`, {
              version: 1,
              title: "taken",
            })
          ).status,
        ).toBe(404);
        expect((await bob.delete(`/bookings/${created.id}`)).status).toBe(404);
      }
      // Booking Ada's artist from his own tenant: no such artist there.
      const foreign = await bobInLooms.post(
        "/bookings",
        booking(s.lovelace, 14, 15),
      );
      expect(foreign.status).toBe(404);
      expect(foreign.body.code).toBe("artist_not_found");
      // Writing into a tenant he is not in.
      expect(
        (await bobInEngines.post("/bookings", booking(s.lovelace, 14, 15)))
          .status,
      ).toBe(403);
      const { rows } = await database.query(
        `select title, version from ${SCHEMA}.bookings`,
      );
      expect(rows).toEqual([{ title: "9-12", version: 1 }]);
    });

    it("shows zero rows and raises nothing without a tenant, or with the empty leftover of one (RLS)", async () => {
      const s = await studio();
      await client(app, s.ada, s.engines).post(
        "/bookings",
        booking(s.lovelace, 9, 12),
      );
      const db = app.get(Database);
      const claims = await app.get(TokenVerifier).verify(s.ada.accessToken);
      const count = async (table: string, tenant?: string): Promise<number> =>
        db.asUser(claims, async (tx) => {
          if (tenant !== undefined) {
            await tx.execute(
              sql`select set_config('app.current_tenant', ${tenant}, true)`,
            );
          }
          const { rows } = await tx.execute<{ n: number }>(
            sql`select count(*)::int as n from ${sql.identifier(SCHEMA)}.${sql.identifier(table)}`,
          );
          return rows[0]!.n;
        });

      for (const table of ["bookings", "booking_events", "artists"]) {
        expect(await count(table), `${table} without a tenant`).toBe(0);
        expect(await count(table, ""), `${table} with an empty tenant`).toBe(0);
        expect(
          await count(table, s.engines),
          `${table} in the tenant`,
        ).toBeGreaterThan(0);
      }
    });

    it("lists the caller's tenants with their role, creates one with the caller as owner, refuses a taken slug", async () => {
      const s = await studio();
      const ada = client(app, s.ada);

      const mine = await ada.request("GET", "/tenants");
      const created = await ada.request("POST", "/tenants", {
        name: "Analytical",
        slug: "analytical",
      });
      const taken = await client(app, s.bob).request("POST", "/tenants", {
        name: "Mine",
        slug: "analytical",
      });

      expect(mine.body).toEqual([
        { id: s.engines, name: "Engines", slug: "engines", role: "owner" },
      ]);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: "Analytical",
        slug: "analytical",
        role: "owner",
      });
      expect(taken.status).toBe(409);
      expect(taken.body.code).toBe("slug_taken");
      expect((await client(app, s.cy).request("GET", "/tenants")).body).toEqual(
        [{ id: s.engines, name: "Engines", slug: "engines", role: "member" }],
      );
    });

    it("lets owners and admins add artists, and answers a plain member 403 forbidden", async () => {
      const s = await studio();

      const byOwner = await client(app, s.ada, s.engines).post("/artists", {
        name: "Somerville",
        email: "mary@example.com",
      });
      const byMember = await client(app, s.cy, s.engines).post("/artists", {
        name: "Herschel",
      });

      expect(byOwner.status).toBe(201);
      expect(byOwner.body).toMatchObject({
        name: "Somerville",
        email: "mary@example.com",
        notes: null,
        active: true,
      });
      expect(byMember.status).toBe(403);
      expect(byMember.body).toMatchObject({
        statusCode: 403,
        code: "forbidden",
      });
      const names = (
        await client(app, s.cy, s.engines).get("/artists")
      ).body.map((a: { name: string }) => a.name);
      expect(names).toEqual(["Lovelace", "Somerville"]);
    });

    it("lets every member add and list projects, and book an artist for one", async () => {
      const s = await studio();
      const cy = client(app, s.cy, s.engines);

      const project = await cy.post("/projects", { name: "Difference Engine" });
      const booked = await cy.post(
        "/bookings",
        booking(s.lovelace, 9, 12, { projectId: project.body.id }),
      );

      expect(project.status).toBe(201);
      expect(project.body).toMatchObject({
        name: "Difference Engine",
        description: null,
        createdBy: s.cy.id,
      });
      expect(
        (await cy.get("/projects")).body.map((p: { id: string }) => p.id),
      ).toEqual([project.body.id]);
      expect(booked.status).toBe(201);
      expect(booked.body).toMatchObject({
        projectId: project.body.id,
        phaseId: null,
        createdBy: s.cy.id,
        tenantId: s.engines,
      });
    });
  });

  describe("projects, phases and artists", () => {
    it("lets every member plan a project's phases, and keeps a booking's phase within its project", async () => {
      const s = await studio();
      const cy = client(app, s.cy, s.engines);
      const engine = (await cy.post("/projects", { name: "Engine" })).body;
      const loom = (await cy.post("/projects", { name: "Loom" })).body;

      const design = await cy.post("/phases", {
        projectId: engine.id,
        name: "Design",
        startsOn: "2030-01-07",
        endsOn: "2030-01-11",
      });
      const build = await cy.post("/phases", {
        projectId: engine.id,
        name: "Build",
        startsOn: "2030-01-14",
        endsOn: "2030-01-25",
        position: 1,
      });
      const backwards = await cy.post("/phases", {
        projectId: engine.id,
        name: "Backwards",
        startsOn: "2030-01-14",
        endsOn: "2030-01-13",
      });
      const foreign = await client(app, s.bob, s.looms).post("/phases", {
        projectId: engine.id,
        name: "Planted",
        startsOn: "2030-01-14",
        endsOn: "2030-01-15",
      });

      expect(design.status).toBe(201);
      expect(design.body).toMatchObject({
        projectId: engine.id,
        startsOn: "2030-01-07",
        endsOn: "2030-01-11",
        position: 0,
        progress: 0,
      });
      expect(build.status).toBe(201);
      expect(backwards.status).toBe(422);
      expect(foreign.status).toBe(404);
      expect(foreign.body.code).toBe("project_not_found");

      const moved = await cy.patch(`/phases/${design.body.id}`, {
        progress: 40,
        endsOn: "2030-01-12",
      });
      expect(moved.body).toMatchObject({ progress: 40, endsOn: "2030-01-12" });
      const listed = await cy.get(`/phases?projectId=${engine.id}`);
      expect(listed.body.map((p: { name: string }) => p.name)).toEqual([
        "Design",
        "Build",
      ]);

      const inPhase = await cy.post(
        "/bookings",
        booking(s.lovelace, 9, 12, {
          projectId: engine.id,
          phaseId: design.body.id,
        }),
      );
      const wrongProject = await cy.post(
        "/bookings",
        booking(s.lovelace, 13, 14, {
          projectId: loom.id,
          phaseId: design.body.id,
        }),
      );
      expect(inPhase.status).toBe(201);
      expect(wrongProject.status).toBe(404);
      expect(wrongProject.body.code).toBe("phase_not_found");

      // Deleting a phase leaves its bookings in the project, without a phase.
      expect((await cy.delete(`/phases/${design.body.id}`)).status).toBe(204);
      expect((await cy.delete(`/phases/${design.body.id}`)).status).toBe(404);
      expect((await cy.get(`/bookings/${inPhase.body.id}`)).body).toMatchObject(
        {
          projectId: engine.id,
          phaseId: null,
        },
      );
    });

    it("lets owners retire an artist, and answers a plain member 403", async () => {
      const s = await studio();

      const byMember = await client(app, s.cy, s.engines).patch(
        `/artists/${s.lovelace}`,
        {
          active: false,
        },
      );
      const byOwner = await client(app, s.ada, s.engines).patch(
        `/artists/${s.lovelace}`,
        {
          active: false,
          notes: "retired",
        },
      );
      const elsewhere = await client(app, s.bob, s.looms).patch(
        `/artists/${s.lovelace}`,
        {
          active: true,
        },
      );

      expect(byMember.status).toBe(403);
      expect(byOwner.status).toBe(200);
      expect(byOwner.body).toMatchObject({
        name: "Lovelace",
        active: false,
        notes: "retired",
      });
      expect(elsewhere.status).toBe(404);
      expect(elsewhere.body.code).toBe("artist_not_found");
    });
  });

  describe("requests", () => {
    it("answers 401 without a token, 400 without a tenant, 404 for an app that is not a booking app", async () => {
      const s = await studio();

      const anonymous = await app.inject({
        method: "GET",
        url: `/apps/${APP}/bookings`,
        headers: { "x-tenant-id": s.engines },
      });
      const noTenant = await client(app, s.ada).get("/bookings");
      const badTenant = await app.inject({
        method: "GET",
        url: `/apps/${APP}/bookings`,
        headers: { ...s.ada.headers, "x-tenant-id": "engines" },
      });
      const noApp = await client(app, s.ada, s.engines).request(
        "GET",
        "/apps/nope/bookings",
      );

      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json()).toMatchObject({
        statusCode: 401,
        code: "unauthorized",
      });
      expect(noTenant.status).toBe(400);
      expect(noTenant.body.code).toBe("tenant_required");
      expect(badTenant.statusCode).toBe(400);
      expect(noApp.status).toBe(404);
      expect(noApp.body.code).toBe("app_not_found");
    });

    it("answers 422 invalid_request with the issues for a body that breaks the rules", async () => {
      const s = await studio();
      const ada = client(app, s.ada, s.engines);

      const holdWithoutExpiry = await ada.post(
        "/bookings",
        booking(s.lovelace, 9, 12, { status: "hold" }),
      );
      const backwards = await ada.post("/bookings", booking(s.lovelace, 12, 9));
      const noOffset = await ada.post(
        "/bookings",
        booking(s.lovelace, 9, 12, { startTime: "2030-01-07T09:00:00" }),
      );
      const unknownField = await ada.post(
        "/bookings",
        booking(s.lovelace, 9, 12, { endtime: at(13) }),
      );

      for (const reply of [
        holdWithoutExpiry,
        backwards,
        noOffset,
        unknownField,
      ]) {
        expect(reply.status).toBe(422);
        expect(reply.body).toMatchObject({
          statusCode: 422,
          code: "invalid_request",
        });
      }
      expect(holdWithoutExpiry.body.issues).toEqual([
        expect.objectContaining({ path: ["holdExpiresAt"] }),
      ]);
      expect(backwards.body.issues).toEqual([
        expect.objectContaining({ path: ["endTime"] }),
      ]);
      expect((await ada.get("/bookings")).body).toEqual([]);
    });

    it("filters a calendar by artist and by the window [from, to), in order of start", async () => {
      const s = await studio();
      const ada = client(app, s.ada, s.engines);
      const babbage = await artistIn(database, s.engines, "Babbage");
      for (const [artist, from, to] of [
        [s.lovelace, 9, 12],
        [babbage, 8, 10],
        [s.lovelace, 14, 16],
        [s.lovelace, 30, 32],
      ] as const) {
        await ada.post("/bookings", booking(artist, from, to));
      }

      const day = await ada.get(
        `/bookings?from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(24))}`,
      );
      const lovelacesAfternoon = await ada.get(
        `/bookings?artistId=${s.lovelace}&from=${encodeURIComponent(at(12))}&to=${encodeURIComponent(at(24))}`,
      );

      expect(day.body.map((b: { title: string }) => b.title)).toEqual([
        "8-10",
        "9-12",
        "14-16",
      ]);
      expect(
        lovelacesAfternoon.body.map((b: { title: string }) => b.title),
      ).toEqual(["14-16"]);
    });
  });

  /** A jsonb object with its timestamps compared as instants (PostgreSQL may write +00:00 or Z). */
  function normalized(value: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [
        key,
        typeof v === "string" && /^\d{4}-\d\d-\d\dT/.test(v)
          ? `${new Date(v).getTime()}+${v.slice(-9, -6)}`
          : v,
      ]),
    );
  }
});
