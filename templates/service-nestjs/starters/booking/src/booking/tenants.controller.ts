/**
 * The caller's tenants: which they belong to (the web app's tenant switcher), and a new one with
 * the caller as its owner. Not tenant-scoped: no X-Tenant-Id.
 */
import {
  Body,
  Controller,
  Get,
  HttpStatus,
  Inject,
  Post,
  UseFilters,
  UseGuards,
} from "@nestjs/common";
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from "@nestjs/swagger";
import { AuthGuard, CurrentClaims } from "../auth/auth.guard.js";
import type { AccessClaims } from "../auth/claims.js";
import { Database } from "../db/database.js";
import { sqlState } from "../errors.js";
import {
  ApiError,
  BookingErrorFilter,
  InvalidRequestResponse,
} from "./booking.errors.js";
import * as repository from "./booking.repository.js";
import { BookingError, Tenant, TenantCreate } from "./booking.schema.js";

@ApiTags("tenants")
@ApiBearerAuth("HTTPBearer")
@ApiUnauthorizedResponse({
  description: "Missing, invalid or expired access token",
  standardSchema: BookingError,
})
@UseGuards(AuthGuard)
@UseFilters(BookingErrorFilter)
@Controller("tenants")
export class TenantsController {
  constructor(@Inject(Database) private readonly database: Database) {}

  @Get()
  @ApiOperation({
    operationId: "listTenants",
    summary: "The tenants the caller is a member of, with their role",
  })
  @ApiOkResponse({ standardSchema: Tenant, isArray: true })
  listTenants(@CurrentClaims() claims: AccessClaims): Promise<Tenant[]> {
    return this.database.asUser(claims, (tx) => repository.listTenants(tx));
  }

  @Post()
  @ApiOperation({
    operationId: "createTenant",
    summary: "A new tenant, with the caller as its owner",
  })
  @ApiCreatedResponse({ standardSchema: Tenant })
  @ApiConflictResponse({
    description: "code slug_taken",
    standardSchema: BookingError,
  })
  @InvalidRequestResponse()
  async createTenant(
    @CurrentClaims() claims: AccessClaims,
    @Body({ schema: TenantCreate }) input: TenantCreate,
  ): Promise<Tenant> {
    try {
      return await this.database.asUser(claims, (tx) =>
        repository.createTenant(tx, input),
      );
    } catch (error) {
      if (sqlState(error) === "23505") {
        throw new ApiError(
          HttpStatus.CONFLICT,
          "slug_taken",
          `The slug ${input.slug} is taken: choose another`,
        );
      }
      throw error;
    }
  }
}
