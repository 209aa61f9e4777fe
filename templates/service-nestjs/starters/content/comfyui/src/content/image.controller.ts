/**
 * POST /tenants/:tenantId/content/:contentId/image: queues a ComfyUI workflow for the content's
 * image and keeps its prompt id on the content (imagePromptId); ComfyUI's /history/<id> has the
 * result once it has run.
 */
import {
  BadGatewayException,
  Body,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Post,
  ServiceUnavailableException,
} from "@nestjs/common";
import { ApiAcceptedResponse, ApiOperation } from "@nestjs/swagger";
import { eq } from "drizzle-orm";
import { CurrentClaims } from "../auth/auth.guard.js";
import type { AccessClaims } from "../auth/claims.js";
import { ComfyUiClient, type QueuedPrompt } from "../integrations/comfyui.js";
import { IntegrationError } from "../integrations/http.js";
import { TenantContentController } from "./content.decorators.js";
import { contentExists } from "./content.repository.js";
import { id } from "./content.schema.js";
import { ExtraServiceResponses } from "./extra-service.decorators.js";
import { contentNotFound, ContentService } from "./content.service.js";
import { ImageQueued, ImageRequest } from "./image.schema.js";
import { content } from "./tables.js";

@TenantContentController("/:contentId/image")
export class ImageController {
  constructor(
    @Inject(ContentService) private readonly content: ContentService,
    @Inject(ComfyUiClient) private readonly comfyui: ComfyUiClient | null,
  ) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    operationId: "queueContentImage",
    summary: "Queues a ComfyUI workflow (API format) for the content's image",
  })
  @ApiAcceptedResponse({ standardSchema: ImageQueued })
  @ExtraServiceResponses("ComfyUI", "COMFYUI_URL")
  async queueImage(
    @CurrentClaims() claims: AccessClaims,
    @Param("tenantId", { schema: id }) tenantId: string,
    @Param("contentId", { schema: id }) contentId: string,
    @Body({ schema: ImageRequest }) request: ImageRequest,
  ): Promise<ImageQueued> {
    if (this.comfyui === null) {
      throw new ServiceUnavailableException(
        "Images are not configured: set COMFYUI_URL for this service",
      );
    }
    const scope = { claims, tenantId };
    // Asked first, so that a stranger's request never reaches ComfyUI; no transaction waits on it.
    if (
      !(await this.content.inTenant(scope, (tx) =>
        contentExists(tx, contentId),
      ))
    ) {
      throw contentNotFound();
    }
    let queued: QueuedPrompt;
    try {
      queued = await this.comfyui.queuePrompt(request.workflow);
    } catch (error) {
      if (error instanceof IntegrationError) {
        throw new BadGatewayException(error.message);
      }
      throw error;
    }
    await this.content.inTenant(scope, (tx) =>
      tx
        .update(content)
        .set({ imagePromptId: queued.prompt_id })
        .where(eq(content.id, contentId)),
    );
    return { contentId, promptId: queued.prompt_id, number: queued.number };
  }
}
