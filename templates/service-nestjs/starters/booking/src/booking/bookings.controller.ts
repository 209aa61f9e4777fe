/**
 * The endpoints of a booking app, /apps/:app/...: its artists, projects and bookings, in the tenant
 * of header X-Tenant-Id, as the caller (BookingService runs each in Database.asTenantUser).
 */
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  UseFilters,
  UseGuards,
} from "@nestjs/common";
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from "@nestjs/swagger";
import { z } from "zod";
import { AuthGuard, CurrentClaims } from "../auth/auth.guard.js";
import type { AccessClaims } from "../auth/claims.js";
import {
  BookingErrorFilter,
  InvalidRequestResponse,
} from "./booking.errors.js";
import {
  Artist,
  ArtistCreate,
  ArtistUpdate,
  Booking,
  BookingCreate,
  BookingError,
  BookingEvent,
  BookingQuery,
  BookingReplay,
  BookingUpdate,
  Phase,
  PhaseCreate,
  PhaseQuery,
  PhaseUpdate,
  Project,
  ProjectCreate,
} from "./booking.schema.js";
import { BookingService, type Scope } from "./booking.service.js";
import { TENANT_HEADER, TenantId } from "./tenant.js";

const Id = z.uuid();

@ApiTags("bookings")
@ApiBearerAuth("HTTPBearer")
@ApiHeader({
  name: TENANT_HEADER,
  required: true,
  description: "The tenant to work in (GET /tenants)",
  schema: { type: "string", format: "uuid" },
})
@ApiParam({
  name: "app",
  description: "A booking app of the workspace (dfworx.yaml)",
  schema: { type: "string" },
})
@ApiBadRequestResponse({
  description: `code tenant_required: ${TENANT_HEADER} missing or not a UUID`,
  standardSchema: BookingError,
})
@ApiUnauthorizedResponse({
  description: "Missing, invalid or expired access token",
  standardSchema: BookingError,
})
@ApiNotFoundResponse({
  description: "code app_not_found, booking_not_found, artist_not_found, ...",
  standardSchema: BookingError,
})
@UseGuards(AuthGuard)
@UseFilters(BookingErrorFilter)
@Controller("apps/:app")
export class BookingsController {
  constructor(
    @Inject(BookingService) private readonly bookings: BookingService,
  ) {}

  // Artists ---------------------------------------------------------------------------------------

  @Get("artists")
  @ApiOperation({ operationId: "listArtists" })
  @ApiOkResponse({ standardSchema: Artist, isArray: true })
  listArtists(
    @CurrentClaims() claims: AccessClaims,
    @TenantId() tenantId: string,
    @Param("app") app: string,
  ): Promise<Artist[]> {
    return this.bookings.listArtists(scope(claims, tenantId, app));
  }

  @Post("artists")
  @ApiOperation({
    operationId: "createArtist",
    summary: "A new artist (owners and admins of the tenant)",
  })
  @ApiCreatedResponse({ standardSchema: Artist })
  @ApiForbiddenResponse({
    description: "code forbidden: a plain member",
    standardSchema: BookingError,
  })
  @InvalidRequestResponse()
  createArtist(
    @CurrentClaims() claims: AccessClaims,
    @TenantId() tenantId: string,
    @Param("app") app: string,
    @Body({ schema: ArtistCreate }) input: ArtistCreate,
  ): Promise<Artist> {
    return this.bookings.createArtist(scope(claims, tenantId, app), input);
  }

  @Patch("artists/:id")
  @ApiOperation({
    operationId: "updateArtist",
    summary: "Changes an artist (owners and admins); active: false retires one",
  })
  @ApiOkResponse({ standardSchema: Artist })
  @ApiForbiddenResponse({
    description: "code forbidden: a plain member",
    standardSchema: BookingError,
  })
  @InvalidRequestResponse()
  updateArtist(
    @CurrentClaims() claims: AccessClaims,
    @TenantId() tenantId: string,
    @Param("app") app: string,
    @Param("id", { schema: Id }) id: string,
    @Body({ schema: ArtistUpdate }) change: ArtistUpdate,
  ): Promise<Artist> {
    return this.bookings.updateArtist(scope(claims, tenantId, app), id, change);
  }

  // Projects --------------------------------------------------------------------------------------

  @Get("projects")
  @ApiOperation({ operationId: "listProjects" })
  @ApiOkResponse({ standardSchema: Project, isArray: true })
  listProjects(
    @CurrentClaims() claims: AccessClaims,
    @TenantId() tenantId: string,
    @Param("app") app: string,
  ): Promise<Project[]> {
    return this.bookings.listProjects(scope(claims, tenantId, app));
  }

  @Post("projects")
  @ApiOperation({ operationId: "createProject" })
  @ApiCreatedResponse({ standardSchema: Project })
  @InvalidRequestResponse()
  createProject(
    @CurrentClaims() claims: AccessClaims,
    @TenantId() tenantId: string,
    @Param("app") app: string,
    @Body({ schema: ProjectCreate }) input: ProjectCreate,
  ): Promise<Project> {
    return this.bookings.createProject(scope(claims, tenantId, app), input);
  }

  // Phases ----------------------------------------------------------------------------------------

  @Get("phases")
  @ApiOperation({
    operationId: "listPhases",
    summary: "The tenant's project phases (of one project if asked), in order",
  })
  @ApiOkResponse({ standardSchema: Phase, isArray: true })
  listPhases(
    @CurrentClaims() claims: AccessClaims,
    @TenantId() tenantId: string,
    @Param("app") app: string,
    @Query({ schema: PhaseQuery }) query: PhaseQuery,
  ): Promise<Phase[]> {
    return this.bookings.listPhases(scope(claims, tenantId, app), query);
  }

  @Post("phases")
  @ApiOperation({ operationId: "createPhase" })
  @ApiCreatedResponse({ standardSchema: Phase })
  @InvalidRequestResponse()
  createPhase(
    @CurrentClaims() claims: AccessClaims,
    @TenantId() tenantId: string,
    @Param("app") app: string,
    @Body({ schema: PhaseCreate }) input: PhaseCreate,
  ): Promise<Phase> {
    return this.bookings.createPhase(scope(claims, tenantId, app), input);
  }

  @Patch("phases/:id")
  @ApiOperation({ operationId: "updatePhase" })
  @ApiOkResponse({ standardSchema: Phase })
  @InvalidRequestResponse()
  updatePhase(
    @CurrentClaims() claims: AccessClaims,
    @TenantId() tenantId: string,
    @Param("app") app: string,
    @Param("id", { schema: Id }) id: string,
    @Body({ schema: PhaseUpdate }) change: PhaseUpdate,
  ): Promise<Phase> {
    return this.bookings.updatePhase(scope(claims, tenantId, app), id, change);
  }

  @Delete("phases/:id")
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    operationId: "deletePhase",
    summary:
      "Deletes a phase; its bookings stay in the project, without a phase",
  })
  @ApiNoContentResponse({ description: "Deleted" })
  deletePhase(
    @CurrentClaims() claims: AccessClaims,
    @TenantId() tenantId: string,
    @Param("app") app: string,
    @Param("id", { schema: Id }) id: string,
  ): Promise<void> {
    return this.bookings.deletePhase(scope(claims, tenantId, app), id);
  }

  // Bookings --------------------------------------------------------------------------------------

  @Get("bookings")
  @ApiOperation({
    operationId: "listBookings",
    summary:
      "The tenant's bookings, by start time; from/to: those overlapping [from, to)",
  })
  @ApiOkResponse({ standardSchema: Booking, isArray: true })
  listBookings(
    @CurrentClaims() claims: AccessClaims,
    @TenantId() tenantId: string,
    @Param("app") app: string,
    @Query({ schema: BookingQuery }) query: BookingQuery,
  ): Promise<Booking[]> {
    return this.bookings.listBookings(scope(claims, tenantId, app), query);
  }

  @Post("bookings")
  @ApiOperation({ operationId: "createBooking" })
  @ApiCreatedResponse({ standardSchema: Booking })
  @ApiConflictResponse({
    description:
      "code booking_conflict: the artist is booked (pencil or confirmed) then",
    standardSchema: BookingError,
  })
  @InvalidRequestResponse()
  createBooking(
    @CurrentClaims() claims: AccessClaims,
    @TenantId() tenantId: string,
    @Param("app") app: string,
    @Body({ schema: BookingCreate }) input: BookingCreate,
  ): Promise<Booking> {
    return this.bookings.createBooking(scope(claims, tenantId, app), input);
  }

  @Get("bookings/:id")
  @ApiOperation({ operationId: "getBooking" })
  @ApiOkResponse({ standardSchema: Booking })
  getBooking(
    @CurrentClaims() claims: AccessClaims,
    @TenantId() tenantId: string,
    @Param("app") app: string,
    @Param("id", { schema: Id }) id: string,
  ): Promise<Booking> {
    return this.bookings.getBooking(scope(claims, tenantId, app), id);
  }

  @Patch("bookings/:id")
  @ApiOperation({
    operationId: "updateBooking",
    summary: "Changes a booking if it is still at `version`",
  })
  @ApiOkResponse({ standardSchema: Booking })
  @ApiConflictResponse({
    description:
      "code booking_conflict, or stale_version: changed since `version`",
    standardSchema: BookingError,
  })
  @InvalidRequestResponse()
  updateBooking(
    @CurrentClaims() claims: AccessClaims,
    @TenantId() tenantId: string,
    @Param("app") app: string,
    @Param("id", { schema: Id }) id: string,
    @Body({ schema: BookingUpdate }) change: BookingUpdate,
  ): Promise<Booking> {
    return this.bookings.updateBooking(
      scope(claims, tenantId, app),
      id,
      change,
    );
  }

  @Delete("bookings/:id")
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    operationId: "deleteBooking",
    summary: "Deletes a booking (its creator, the tenant's owners and admins)",
  })
  @ApiNoContentResponse({ description: "Deleted" })
  @ApiForbiddenResponse({
    description: "code forbidden: someone else's booking, for a plain member",
    standardSchema: BookingError,
  })
  deleteBooking(
    @CurrentClaims() claims: AccessClaims,
    @TenantId() tenantId: string,
    @Param("app") app: string,
    @Param("id", { schema: Id }) id: string,
  ): Promise<void> {
    return this.bookings.deleteBooking(scope(claims, tenantId, app), id);
  }

  @Get("bookings/:id/events")
  @ApiOperation({
    operationId: "listBookingEvents",
    summary: "The booking's history, oldest first",
  })
  @ApiOkResponse({ standardSchema: BookingEvent, isArray: true })
  listEvents(
    @CurrentClaims() claims: AccessClaims,
    @TenantId() tenantId: string,
    @Param("app") app: string,
    @Param("id", { schema: Id }) id: string,
  ): Promise<BookingEvent[]> {
    return this.bookings.listEvents(scope(claims, tenantId, app), id);
  }

  @Get("bookings/:id/replay")
  @ApiOperation({
    operationId: "replayBooking",
    summary:
      "The booking rebuilt from its events (snake_case, as in the table)",
  })
  @ApiOkResponse({ standardSchema: BookingReplay })
  replayBooking(
    @CurrentClaims() claims: AccessClaims,
    @TenantId() tenantId: string,
    @Param("app") app: string,
    @Param("id", { schema: Id }) id: string,
  ): Promise<Record<string, unknown>> {
    return this.bookings.replayBooking(scope(claims, tenantId, app), id);
  }
}

const scope = (claims: AccessClaims, tenantId: string, app: string): Scope => ({
  claims,
  tenantId,
  app,
});
