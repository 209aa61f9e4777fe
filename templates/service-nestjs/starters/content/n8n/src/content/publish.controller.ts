/** POST /tenants/:tenantId/content/:contentId/publish: a publish job, handed to n8n. */
import {
  Body,
  Controller,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Post,
  UseGuards,
} from "@nestjs/common";
import {
  ApiAcceptedResponse,
  ApiBadGatewayResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from "@nestjs/swagger";
import { AuthGuard, CurrentClaims } from "../auth/auth.guard.js";
import type { AccessClaims } from "../auth/claims.js";
import { ErrorDetail } from "../errors.js";
import { id } from "./content.schema.js";
import { PublishJob, PublishRequest } from "./publish.schema.js";
import { PublishService } from "./publish.service.js";

@ApiTags("content")
@ApiBearerAuth("HTTPBearer")
@UseGuards(AuthGuard)
@Controller("tenants/:tenantId/content/:contentId/publish")
export class PublishController {
  constructor(@Inject(PublishService) private readonly service: PublishService) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    operationId: "publishContent",
    summary:
      "A publish job for the content, sent to n8n's publishing webhook (N8N_PUBLISH_WEBHOOK)",
  })
  @ApiAcceptedResponse({
    description: "n8n took the job (status triggered)",
    standardSchema: PublishJob,
  })
  @ApiUnauthorizedResponse({
    description: "Missing, invalid or expired access token",
    standardSchema: ErrorDetail,
  })
  @ApiNotFoundResponse({
    description: "No such tenant of the caller, or no such content in it",
    standardSchema: ErrorDetail,
  })
  @ApiUnprocessableEntityResponse({
    description: "Invalid body, or an unknown platform or social account",
    standardSchema: ErrorDetail,
  })
  @ApiBadGatewayResponse({
    description: "n8n refused the job or could not be reached (the job is kept, failed)",
    standardSchema: ErrorDetail,
  })
  @ApiServiceUnavailableResponse({
    description: "N8N_URL is not set",
    standardSchema: ErrorDetail,
  })
  publish(
    @CurrentClaims() claims: AccessClaims,
    @Param("tenantId", { schema: id }) tenantId: string,
    @Param("contentId", { schema: id }) contentId: string,
    @Body({ schema: PublishRequest }) request: PublishRequest,
  ): Promise<PublishJob> {
    return this.service.publish({ claims, tenantId }, contentId, request);
  }
}
