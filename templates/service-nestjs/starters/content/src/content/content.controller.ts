/**
 * A tenant's content and its comments, /tenants/:tenantId/content/...: every request runs in that
 * tenant's schema as the caller (ContentService.inTenant), and a tenant the caller is not a member
 * of is a 404, as if it did not exist.
 */
import {
  Body,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Patch,
  Post,
  Query,
} from "@nestjs/common";
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
} from "@nestjs/swagger";
import { CurrentClaims } from "../auth/auth.guard.js";
import type { AccessClaims } from "../auth/claims.js";
import {
  Comment,
  CommentCreate,
  Content,
  ContentCreate,
  ContentQuery,
  ContentUpdate,
  id,
} from "./content.schema.js";
import { TenantContentController } from "./content.decorators.js";
import { ContentService } from "./content.service.js";

@TenantContentController()
export class ContentController {
  constructor(
    @Inject(ContentService) private readonly service: ContentService,
  ) {}

  @Get()
  @ApiOperation({ operationId: "listContent", summary: "Newest first" })
  @ApiOkResponse({ standardSchema: Content, isArray: true })
  listContent(
    @CurrentClaims() claims: AccessClaims,
    @Param("tenantId", { schema: id }) tenantId: string,
    @Query({ schema: ContentQuery }) query: ContentQuery,
  ): Promise<Content[]> {
    return this.service.listContent({ claims, tenantId }, query);
  }

  @Post()
  @ApiOperation({ operationId: "createContent" })
  @ApiCreatedResponse({ standardSchema: Content })
  createContent(
    @CurrentClaims() claims: AccessClaims,
    @Param("tenantId", { schema: id }) tenantId: string,
    @Body({ schema: ContentCreate }) input: ContentCreate,
  ): Promise<Content> {
    return this.service.createContent({ claims, tenantId }, input);
  }

  @Get(":contentId")
  @ApiOperation({ operationId: "getContent" })
  @ApiOkResponse({ standardSchema: Content })
  getContent(
    @CurrentClaims() claims: AccessClaims,
    @Param("tenantId", { schema: id }) tenantId: string,
    @Param("contentId", { schema: id }) contentId: string,
  ): Promise<Content> {
    return this.service.getContent({ claims, tenantId }, contentId);
  }

  @Patch(":contentId")
  @ApiOperation({ operationId: "updateContent" })
  @ApiOkResponse({ standardSchema: Content })
  updateContent(
    @CurrentClaims() claims: AccessClaims,
    @Param("tenantId", { schema: id }) tenantId: string,
    @Param("contentId", { schema: id }) contentId: string,
    @Body({ schema: ContentUpdate }) change: ContentUpdate,
  ): Promise<Content> {
    return this.service.updateContent({ claims, tenantId }, contentId, change);
  }

  @Delete(":contentId")
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    operationId: "deleteContent",
    summary: "Deletes the content with its comments and publish jobs",
  })
  @ApiNoContentResponse({ description: "Deleted" })
  deleteContent(
    @CurrentClaims() claims: AccessClaims,
    @Param("tenantId", { schema: id }) tenantId: string,
    @Param("contentId", { schema: id }) contentId: string,
  ): Promise<void> {
    return this.service.deleteContent({ claims, tenantId }, contentId);
  }

  @Get(":contentId/comments")
  @ApiOperation({ operationId: "listComments", summary: "Oldest first" })
  @ApiOkResponse({ standardSchema: Comment, isArray: true })
  listComments(
    @CurrentClaims() claims: AccessClaims,
    @Param("tenantId", { schema: id }) tenantId: string,
    @Param("contentId", { schema: id }) contentId: string,
  ): Promise<Comment[]> {
    return this.service.listComments({ claims, tenantId }, contentId);
  }

  @Post(":contentId/comments")
  @ApiOperation({ operationId: "createComment" })
  @ApiCreatedResponse({ standardSchema: Comment })
  createComment(
    @CurrentClaims() claims: AccessClaims,
    @Param("tenantId", { schema: id }) tenantId: string,
    @Param("contentId", { schema: id }) contentId: string,
    @Body({ schema: CommentCreate }) input: CommentCreate,
  ): Promise<Comment> {
    return this.service.createComment({ claims, tenantId }, contentId, input);
  }
}
