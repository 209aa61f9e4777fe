import {
  createParamDecorator,
  type ExecutionContext,
  HttpStatus,
} from "@nestjs/common";
import type { FastifyRequest } from "fastify";
import { ApiError } from "./booking.errors.js";

export const TENANT_HEADER = "X-Tenant-Id";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The tenant a request works in, from header X-Tenant-Id: 400 when it is missing or not a UUID.
 * Not trusted: it only names the tenant for asTenantUser, and the policies show nothing of a
 * tenant the caller is not a member of.
 */
export const TenantId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => {
    const value = context.switchToHttp().getRequest<FastifyRequest>().headers[
      TENANT_HEADER.toLowerCase()
    ];
    if (typeof value !== "string" || !UUID.test(value)) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        "tenant_required",
        `Header ${TENANT_HEADER} must name the tenant to work in (a UUID, from GET /tenants)`,
      );
    }
    return value.toLowerCase();
  },
);
