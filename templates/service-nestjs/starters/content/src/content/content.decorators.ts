/** What the controllers of a tenant's content share: their route, guard and OpenAPI answers. */
import { applyDecorators, Controller, UseGuards } from "@nestjs/common";
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from "@nestjs/swagger";
import { AuthGuard } from "../auth/auth.guard.js";
import { ErrorDetail, ValidationErrorDetail } from "../errors.js";

/** A controller at /tenants/:tenantId/content`path`, for signed-in users. */
export const TenantContentController = (path = "") =>
  applyDecorators(
    ApiTags("content"),
    ApiBearerAuth("HTTPBearer"),
    ApiParam({
      name: "tenantId",
      description: "A tenant of the caller (GET /tenants)",
      schema: { type: "string", format: "uuid" },
    }),
    ApiUnauthorizedResponse({
      description: "Missing, invalid or expired access token",
      standardSchema: ErrorDetail,
    }),
    ApiNotFoundResponse({
      description:
        "No such tenant (or the caller is not one of its members), or no such content in it",
      standardSchema: ErrorDetail,
    }),
    ApiUnprocessableEntityResponse({
      description: "The body, query or path is not valid",
      standardSchema: ValidationErrorDetail,
    }),
    UseGuards(AuthGuard),
    Controller(`tenants/:tenantId/content${path}`),
  );
