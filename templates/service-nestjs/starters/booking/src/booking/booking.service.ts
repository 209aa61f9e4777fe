/**
 * The booking use cases: each runs in one transaction as the caller in the request's tenant
 * (Database.asTenantUser), turns the database's refusals into HTTP errors, and after the commit
 * tells the tenant's Socket.IO clients and schedules a hold's expiry. Nothing is announced for a
 * transaction that rolled back.
 *
 * The database is the authority: overlaps (23P01, constraint bookings_no_overlap), foreign rows of
 * another tenant (23503), who may write what (42501, RLS) and stale versions (0 rows) are its
 * answers, not checks made here first, so they hold for concurrent requests and for every other
 * client of the database too.
 */
import { HttpStatus, Inject, Injectable, Logger } from "@nestjs/common";
import type { AccessClaims } from "../auth/claims.js";
import { Database, type Tx } from "../db/database.js";
import { sqlState } from "../errors.js";
import { BOOKING_APPS } from "./apps.js";
import { ApiError, constraintOf, notFound } from "./booking.errors.js";
import { BookingGateway } from "./booking.gateway.js";
import * as repository from "./booking.repository.js";
import type {
  Artist,
  ArtistCreate,
  ArtistUpdate,
  Booking,
  BookingCreate,
  BookingEvent,
  BookingQuery,
  BookingUpdate,
  Phase,
  PhaseCreate,
  PhaseQuery,
  PhaseUpdate,
  Project,
  ProjectCreate,
} from "./booking.schema.js";
import { HoldExpiry } from "./hold-expiry.js";
import type { BookingTables } from "./tables.js";

/** Who asks, in which tenant, about which app: what every tenant-scoped request carries. */
export interface Scope {
  claims: AccessClaims;
  tenantId: string;
  app: string;
}

const EXCLUSION_VIOLATION = "23P01";
const FOREIGN_KEY_VIOLATION = "23503";
const CHECK_VIOLATION = "23514";
const INSUFFICIENT_PRIVILEGE = "42501";

/** `work`, with row level security's refusal of a write (42501) answered as 403 `message`. */
async function forbiddenWhenRefused<T>(
  work: Promise<T>,
  message: string,
): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (sqlState(error) === INSUFFICIENT_PRIVILEGE) {
      throw new ApiError(HttpStatus.FORBIDDEN, "forbidden", message);
    }
    throw error;
  }
}

@Injectable()
export class BookingService {
  private readonly logger = new Logger(BookingService.name);

  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(BookingGateway) private readonly gateway: BookingGateway,
    @Inject(HoldExpiry) private readonly holds: HoldExpiry,
  ) {}

  listArtists(scope: Scope): Promise<Artist[]> {
    return this.inTenant(scope, (tx, t) => repository.listArtists(tx, t));
  }

  createArtist(scope: Scope, input: ArtistCreate): Promise<Artist> {
    // The INSERT policy: owners and admins of the tenant manage artists.
    return forbiddenWhenRefused(
      this.inTenant(scope, (tx, t) => repository.createArtist(tx, t, input)),
      "Only the tenant's owners and admins add artists",
    );
  }

  async updateArtist(
    scope: Scope,
    id: string,
    change: ArtistUpdate,
  ): Promise<Artist> {
    const outcome = await this.inTenant(scope, async (tx, t) => {
      const artist = await repository.updateArtist(tx, t, id, change);
      // The UPDATE policy hides the rows a plain member may read but not change.
      return (
        artist ??
        ((await repository.artistExists(tx, t, id)) ? "forbidden" : "missing")
      );
    });
    if (outcome === "missing") {
      throw notFound("artist_not_found", "No such artist in this tenant");
    }
    if (outcome === "forbidden") {
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        "forbidden",
        "Only the tenant's owners and admins change artists",
      );
    }
    return outcome;
  }

  listProjects(scope: Scope): Promise<Project[]> {
    return this.inTenant(scope, (tx, t) => repository.listProjects(tx, t));
  }

  createProject(scope: Scope, input: ProjectCreate): Promise<Project> {
    return forbiddenWhenRefused(
      this.inTenant(scope, (tx, t) => repository.createProject(tx, t, input)),
      "Not a member of this tenant",
    );
  }

  listPhases(scope: Scope, query: PhaseQuery): Promise<Phase[]> {
    return this.inTenant(scope, (tx, t) => repository.listPhases(tx, t, query));
  }

  async createPhase(scope: Scope, input: PhaseCreate): Promise<Phase> {
    try {
      return await this.inTenant(scope, (tx, t) =>
        repository.createPhase(tx, t, input),
      );
    } catch (error) {
      throw phaseRefusal(error);
    }
  }

  async updatePhase(
    scope: Scope,
    id: string,
    change: PhaseUpdate,
  ): Promise<Phase> {
    let phase: Phase | undefined;
    try {
      phase = await this.inTenant(scope, (tx, t) =>
        repository.updatePhase(tx, t, id, change),
      );
    } catch (error) {
      throw phaseRefusal(error);
    }
    if (phase === undefined) {
      throw notFound("phase_not_found", "No such phase in this tenant");
    }
    return phase;
  }

  async deletePhase(scope: Scope, id: string): Promise<void> {
    if (
      !(await this.inTenant(scope, (tx, t) =>
        repository.deletePhase(tx, t, id),
      ))
    ) {
      throw notFound("phase_not_found", "No such phase in this tenant");
    }
  }

  listBookings(scope: Scope, query: BookingQuery): Promise<Booking[]> {
    return this.inTenant(scope, (tx, t) =>
      repository.listBookings(tx, t, query),
    );
  }

  async getBooking(scope: Scope, id: string): Promise<Booking> {
    const booking = await this.inTenant(scope, (tx, t) =>
      repository.getBooking(tx, t, id),
    );
    if (booking === undefined) {
      throw bookingNotFound();
    }
    return booking;
  }

  async createBooking(scope: Scope, input: BookingCreate): Promise<Booking> {
    let booking: Booking;
    try {
      booking = await this.inTenant(scope, (tx, t) =>
        repository.createBooking(tx, t, input),
      );
    } catch (error) {
      throw await this.refusal(scope, error, input.artistId, input);
    }
    await this.changed(scope, "created", booking);
    return booking;
  }

  async updateBooking(
    scope: Scope,
    id: string,
    change: BookingUpdate,
  ): Promise<Booking> {
    let result: { booking?: Booking; current?: Booking };
    try {
      result = await this.inTenant(scope, async (tx, t) => {
        const booking = await repository.updateBooking(tx, t, id, change);
        // No row with that id and version: gone (404), or changed by someone else since (409).
        return booking !== undefined
          ? { booking }
          : { current: await repository.getBooking(tx, t, id) };
      });
    } catch (error) {
      throw await this.refusal(scope, error, undefined, change, id);
    }
    if (result.booking === undefined) {
      if (result.current === undefined) {
        throw bookingNotFound();
      }
      throw new ApiError(
        HttpStatus.CONFLICT,
        "stale_version",
        `The booking has changed since version ${change.version} (it is at version ${result.current.version}): reload it and try again`,
      );
    }
    if (result.booking.version !== change.version) {
      await this.changed(scope, "updated", result.booking);
    }
    return result.booking;
  }

  async deleteBooking(scope: Scope, id: string): Promise<void> {
    const outcome = await this.inTenant(scope, async (tx, t) => {
      const deleted = await repository.deleteBooking(tx, t, id);
      if (deleted !== undefined) {
        return "deleted";
      }
      // The DELETE policy hides what the caller may see but not delete (another member's booking).
      return (await repository.getBooking(tx, t, id)) === undefined
        ? "missing"
        : "forbidden";
    });
    if (outcome === "missing") {
      throw bookingNotFound();
    }
    if (outcome === "forbidden") {
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        "forbidden",
        "Only the booking's creator and the tenant's owners and admins delete it: cancel it instead",
      );
    }
    this.gateway.bookingChanged(scope.tenantId, {
      app: scope.app,
      type: "deleted",
      booking: null,
      bookingId: id,
    });
  }

  async listEvents(scope: Scope, id: string): Promise<BookingEvent[]> {
    const events = await this.inTenant(scope, (tx, t) =>
      repository.listEvents(tx, t, id),
    );
    if (events.length === 0) {
      // Every booking has its `created` event; none visible means no such booking in this tenant.
      throw bookingNotFound();
    }
    return events;
  }

  async replayBooking(
    scope: Scope,
    id: string,
  ): Promise<Record<string, unknown>> {
    const state = await this.inTenant(scope, (tx, t) =>
      repository.replayBooking(tx, t, id),
    );
    if (state === null) {
      throw bookingNotFound();
    }
    return state;
  }

  /** `fn` as the caller in the scope's tenant, on the tables of the scope's app. */
  private inTenant<T>(
    scope: Scope,
    fn: (tx: Tx, tables: BookingTables) => Promise<T>,
  ): Promise<T> {
    const tables = tablesOf(scope.app);
    return this.database.asTenantUser(scope.claims, scope.tenantId, (tx) =>
      fn(tx, tables),
    );
  }

  private async changed(
    scope: Scope,
    type: "created" | "updated",
    booking: Booking,
  ): Promise<void> {
    this.gateway.bookingChanged(scope.tenantId, {
      app: scope.app,
      type,
      booking,
      bookingId: booking.id,
    });
    try {
      await this.holds.scheduled(scope.app, booking);
    } catch (error) {
      // The booking is committed; the sweep expires the hold if its job could not be queued.
      this.logger.warn(
        `could not schedule the expiry of hold ${booking.id}: ${(error as Error).message}`,
      );
    }
  }

  /** The HTTP error for a write the database refused; anything else unchanged (a 500). */
  private async refusal(
    scope: Scope,
    error: unknown,
    artistId: string | undefined,
    times: { startTime?: string; endTime?: string },
    bookingId?: string,
  ): Promise<unknown> {
    switch (sqlState(error)) {
      case EXCLUSION_VIOLATION:
        return new ApiError(
          HttpStatus.CONFLICT,
          "booking_conflict",
          await this.conflict(scope, artistId, times, bookingId),
        );
      case FOREIGN_KEY_VIOLATION: {
        const constraint = constraintOf(error) ?? "";
        if (constraint.includes("artist")) {
          return notFound("artist_not_found", "No such artist in this tenant");
        }
        if (constraint.includes("phase")) {
          return notFound("phase_not_found", "No such phase in this project");
        }
        return notFound("project_not_found", "No such project in this tenant");
      }
      case CHECK_VIOLATION:
        return new ApiError(
          HttpStatus.UNPROCESSABLE_ENTITY,
          "invalid_request",
          `The booking breaks a rule of the database (${constraintOf(error) ?? "a check"}): a hold needs holdExpiresAt, a booking must end after it starts`,
        );
      case INSUFFICIENT_PRIVILEGE:
        return new ApiError(
          HttpStatus.FORBIDDEN,
          "forbidden",
          "Not a member of this tenant",
        );
      default:
        return error;
    }
  }

  /**
   * "<artist> is already booked between <start> and <end>": the booking the new times ran into,
   * read in a new transaction (the refused one is aborted). The bare facts if that fails or the
   * other booking has gone meanwhile.
   */
  private async conflict(
    scope: Scope,
    artistId: string | undefined,
    times: { startTime?: string; endTime?: string },
    bookingId: string | undefined,
  ): Promise<string> {
    let artist: string | undefined;
    let { startTime, endTime } = times;
    try {
      await this.inTenant(scope, async (tx, t) => {
        const current =
          bookingId === undefined
            ? undefined
            : await repository.getBooking(tx, t, bookingId);
        const id = artistId ?? current?.artistId;
        const start = startTime ?? current?.startTime;
        const end = endTime ?? current?.endTime;
        if (id === undefined || start === undefined || end === undefined) {
          return;
        }
        artist = await repository.artistName(tx, t, id);
        const blocking = await repository.blockingBooking(
          tx,
          t,
          id,
          start,
          end,
          bookingId,
        );
        startTime = blocking?.startTime ?? start;
        endTime = blocking?.endTime ?? end;
      });
    } catch (error) {
      this.logger.warn(
        `could not describe a booking conflict: ${(error as Error).message}`,
      );
    }
    const between =
      startTime !== undefined && endTime !== undefined
        ? ` between ${startTime} and ${endTime}`
        : " then";
    return `${artist ?? "The artist"} is already booked${between}`;
  }
}

export function tablesOf(app: string): BookingTables {
  const tables = BOOKING_APPS.get(app);
  if (tables === undefined) {
    throw notFound(
      "app_not_found",
      `No booking app named ${JSON.stringify(app)}`,
    );
  }
  return tables;
}

function phaseRefusal(error: unknown): unknown {
  switch (sqlState(error)) {
    case FOREIGN_KEY_VIOLATION:
      return notFound("project_not_found", "No such project in this tenant");
    case CHECK_VIOLATION:
      return new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        "invalid_request",
        "A phase must not end before it starts",
      );
    case INSUFFICIENT_PRIVILEGE:
      return new ApiError(
        HttpStatus.FORBIDDEN,
        "forbidden",
        "Not a member of this tenant",
      );
    default:
      return error;
  }
}

const bookingNotFound = () =>
  notFound("booking_not_found", "No such booking in this tenant");
