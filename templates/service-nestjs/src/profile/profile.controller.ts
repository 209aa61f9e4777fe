/**
 * An example of protected endpoints: the caller's own profile, read and changed as the caller.
 *
 * This service does not sign anybody up or in: the workspace's auth service does. It verifies the
 * tokens that service issues (AuthGuard) and queries as the caller (Database.asUser), so the
 * database's policies decide what it sees. Copy this slice for your own endpoints.
 */
import {
  Body,
  Controller,
  Get,
  Inject,
  NotFoundException,
  Patch,
  UseGuards,
} from "@nestjs/common";
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from "@nestjs/swagger";
import type { AccessClaims } from "../auth/claims.js";
import { AuthGuard, CurrentClaims } from "../auth/auth.guard.js";
import { Database } from "../db/database.js";
import { ErrorDetail, ValidationErrorDetail } from "../errors.js";
import * as repository from "./profile.repository.js";
import { Profile, ProfileUpdate } from "./profile.schema.js";

@ApiTags("profile")
@ApiBearerAuth("HTTPBearer")
@ApiUnauthorizedResponse({
  description: "Missing, invalid or expired access token",
  standardSchema: ErrorDetail,
})
@ApiNotFoundResponse({
  description: "The user of the token no longer exists",
  standardSchema: ErrorDetail,
})
@UseGuards(AuthGuard)
@Controller("profile")
export class ProfileController {
  constructor(@Inject(Database) private readonly database: Database) {}

  @Get()
  @ApiOperation({ operationId: "getProfile" })
  @ApiOkResponse({ standardSchema: Profile })
  async getProfile(@CurrentClaims() claims: AccessClaims): Promise<Profile> {
    const profile = await this.database.asUser(claims, (tx) =>
      repository.getOwnProfile(tx),
    );
    if (profile === undefined) {
      throw new NotFoundException("Profile not found");
    }
    return profile;
  }

  @Patch()
  @ApiOperation({ operationId: "updateProfile" })
  @ApiOkResponse({ standardSchema: Profile })
  @ApiUnprocessableEntityResponse({
    description: "The body is not a valid ProfileUpdate",
    standardSchema: ValidationErrorDetail,
  })
  async updateProfile(
    @CurrentClaims() claims: AccessClaims,
    @Body({ schema: ProfileUpdate }) change: ProfileUpdate,
  ): Promise<Profile> {
    const profile = await this.database.asUser(claims, (tx) =>
      repository.updateOwnProfile(tx, change),
    );
    if (profile === undefined) {
      throw new NotFoundException("Profile not found");
    }
    return profile;
  }
}
