/** POST /tenants/:tenantId/content/:contentId/publish: a publish job, handed to n8n. */
import {
  Body,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Post,
} from "@nestjs/common";
import {
  ApiAcceptedResponse,
  ApiOperation,
  ApiUnprocessableEntityResponse,
} from "@nestjs/swagger";
import { CurrentClaims } from "../auth/auth.guard.js";
import type { AccessClaims } from "../auth/claims.js";
import { ErrorDetail } from "../errors.js";
import { TenantContentController } from "./content.decorators.js";
import { id } from "./content.schema.js";
import { ExtraServiceResponses } from "./extra-service.decorators.js";
import { PublishJob, PublishRequest } from "./publish.schema.js";
import { PublishService } from "./publish.service.js";

@TenantContentController("/:contentId/publish")
export class PublishController {
  constructor(
    @Inject(PublishService) private readonly service: PublishService,
  ) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    operationId: "publishContent",
    summary:
      "A publish job for the content, sent to n8n's publishing webhook (N8N_PUBLISH_WEBHOOK)",
  })
  @ApiAcceptedResponse({
    description:
      "n8n took the job (status triggered); when it refuses (502) the job is kept, failed",
    standardSchema: PublishJob,
  })
  @ApiUnprocessableEntityResponse({
    description: "Invalid body, or an unknown platform or social account",
    standardSchema: ErrorDetail,
  })
  @ExtraServiceResponses("n8n", "N8N_URL")
  publish(
    @CurrentClaims() claims: AccessClaims,
    @Param("tenantId", { schema: id }) tenantId: string,
    @Param("contentId", { schema: id }) contentId: string,
    @Body({ schema: PublishRequest }) request: PublishRequest,
  ): Promise<PublishJob> {
    return this.service.publish({ claims, tenantId }, contentId, request);
  }
}
