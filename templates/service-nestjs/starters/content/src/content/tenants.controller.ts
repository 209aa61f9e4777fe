/**
 * The caller's tenants: those they belong to, a new one (its schema and tables made at once, the
 * caller its owner), and erasing one with everything in it (GDPR), for its owners.
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
  Post,
  UseGuards,
} from "@nestjs/common";
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from "@nestjs/swagger";
import { AuthGuard, CurrentClaims } from "../auth/auth.guard.js";
import type { AccessClaims } from "../auth/claims.js";
import { ErrorDetail, ValidationErrorDetail } from "../errors.js";
import { id, Tenant, TenantCreate } from "./content.schema.js";
import { ContentService } from "./content.service.js";

@ApiTags("tenants")
@ApiBearerAuth("HTTPBearer")
@ApiUnauthorizedResponse({
  description: "Missing, invalid or expired access token",
  standardSchema: ErrorDetail,
})
@ApiUnprocessableEntityResponse({
  description: "The body or path is not valid",
  standardSchema: ValidationErrorDetail,
})
@UseGuards(AuthGuard)
@Controller("tenants")
export class TenantsController {
  constructor(
    @Inject(ContentService) private readonly service: ContentService,
  ) {}

  @Get()
  @ApiOperation({
    operationId: "listTenants",
    summary: "The tenants the caller is a member of, with their role",
  })
  @ApiOkResponse({ standardSchema: Tenant, isArray: true })
  listTenants(@CurrentClaims() claims: AccessClaims): Promise<Tenant[]> {
    return this.service.listTenants(claims);
  }

  @Post()
  @ApiOperation({
    operationId: "createTenant",
    summary: "A new tenant with its own schema, the caller its owner",
  })
  @ApiCreatedResponse({ standardSchema: Tenant })
  @ApiConflictResponse({
    description: "The slug is taken",
    standardSchema: ErrorDetail,
  })
  createTenant(
    @CurrentClaims() claims: AccessClaims,
    @Body({ schema: TenantCreate }) input: TenantCreate,
  ): Promise<Tenant> {
    return this.service.createTenant(claims, input);
  }

  @Delete(":tenantId")
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    operationId: "deleteTenant",
    summary:
      "Erases the tenant: its schema with all its data, and its memberships (owners only)",
  })
  @ApiNoContentResponse({ description: "Erased" })
  @ApiForbiddenResponse({
    description: "The caller is a member but not an owner",
    standardSchema: ErrorDetail,
  })
  @ApiNotFoundResponse({
    description: "No such tenant, or the caller is not a member",
    standardSchema: ErrorDetail,
  })
  deleteTenant(
    @CurrentClaims() claims: AccessClaims,
    @Param("tenantId", { schema: id }) tenantId: string,
  ): Promise<void> {
    return this.service.eraseTenant(claims, tenantId);
  }
}
