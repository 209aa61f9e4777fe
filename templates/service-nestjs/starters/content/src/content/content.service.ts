/**
 * The content use cases. Tenants are the caller's (Database.asUser: public.tenants shows a user
 * their own); everything else runs in one transaction in the schema of the path's tenant
 * (Database.asTenantSchemaUser), which answers 404 for a tenant the caller is not a member of, as
 * for one that does not exist: a stranger learns nothing of it. The database's refusals (a taken
 * slug, a check, a missing row behind a foreign key) become the HTTP errors here.
 */
import {
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from "@nestjs/common";
import type { AccessClaims } from "../auth/claims.js";
import { Database, TenantNotFoundError, type Tx } from "../db/database.js";
import { sqlState } from "../errors.js";
import * as repository from "./content.repository.js";
import type {
  Comment,
  CommentCreate,
  Content,
  ContentCreate,
  ContentQuery,
  ContentUpdate,
  Tenant,
  TenantCreate,
} from "./content.schema.js";

/** Who asks, in which tenant: what every tenant-scoped request carries. */
export interface TenantScope {
  claims: AccessClaims;
  tenantId: string;
}

const UNIQUE_VIOLATION = "23505";
const FOREIGN_KEY_VIOLATION = "23503";
const CHECK_VIOLATION = "23514";
const INSUFFICIENT_PRIVILEGE = "42501";
const NO_DATA_FOUND = "P0002";

export const contentNotFound = () => new NotFoundException("Content not found");

@Injectable()
export class ContentService {
  constructor(@Inject(Database) private readonly database: Database) {}

  /** `fn` in the tenant's schema, as the caller; 404 when the tenant is not one of theirs. */
  async inTenant<T>(
    scope: TenantScope,
    fn: (tx: Tx) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.database.asTenantSchemaUser(
        scope.claims,
        scope.tenantId,
        fn,
      );
    } catch (error) {
      if (error instanceof TenantNotFoundError) {
        throw new NotFoundException("Tenant not found");
      }
      throw error;
    }
  }

  // Tenants ---------------------------------------------------------------------------------------

  listTenants(claims: AccessClaims): Promise<Tenant[]> {
    return this.database.asUser(claims, (tx) => repository.listTenants(tx));
  }

  async createTenant(
    claims: AccessClaims,
    input: TenantCreate,
  ): Promise<Tenant> {
    try {
      return await this.database.asUser(claims, (tx) =>
        repository.createTenant(tx, input),
      );
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) {
        throw new ConflictException(
          `The slug ${input.slug} is taken: choose another`,
        );
      }
      throw error;
    }
  }

  async eraseTenant(claims: AccessClaims, tenantId: string): Promise<void> {
    try {
      await this.database.asUser(claims, (tx) =>
        repository.eraseTenant(tx, tenantId),
      );
    } catch (error) {
      switch (sqlState(error)) {
        case NO_DATA_FOUND:
          throw new NotFoundException("Tenant not found");
        case INSUFFICIENT_PRIVILEGE:
          throw new ForbiddenException(
            "Only an owner of the tenant may delete it",
          );
        default:
          throw error;
      }
    }
  }

  // Content ---------------------------------------------------------------------------------------

  listContent(scope: TenantScope, query: ContentQuery): Promise<Content[]> {
    return this.inTenant(scope, (tx) => repository.listContent(tx, query));
  }

  async getContent(scope: TenantScope, id: string): Promise<Content> {
    const found = await this.inTenant(scope, (tx) =>
      repository.getContent(tx, id),
    );
    if (found === undefined) {
      throw contentNotFound();
    }
    return found;
  }

  createContent(scope: TenantScope, input: ContentCreate): Promise<Content> {
    return refused(
      this.inTenant(scope, (tx) => repository.createContent(tx, input)),
    );
  }

  async updateContent(
    scope: TenantScope,
    id: string,
    change: ContentUpdate,
  ): Promise<Content> {
    const updated = await refused(
      this.inTenant(scope, (tx) => repository.updateContent(tx, id, change)),
    );
    if (updated === undefined) {
      throw contentNotFound();
    }
    return updated;
  }

  async deleteContent(scope: TenantScope, id: string): Promise<void> {
    if (
      !(await this.inTenant(scope, (tx) => repository.deleteContent(tx, id)))
    ) {
      throw contentNotFound();
    }
  }

  // Comments --------------------------------------------------------------------------------------

  async listComments(
    scope: TenantScope,
    contentId: string,
  ): Promise<Comment[]> {
    const found = await this.inTenant(scope, async (tx) =>
      (await repository.contentExists(tx, contentId))
        ? repository.listComments(tx, contentId)
        : undefined,
    );
    if (found === undefined) {
      throw contentNotFound();
    }
    return found;
  }

  async createComment(
    scope: TenantScope,
    contentId: string,
    input: CommentCreate,
  ): Promise<Comment> {
    try {
      return await this.inTenant(scope, (tx) =>
        repository.createComment(tx, contentId, input),
      );
    } catch (error) {
      if (sqlState(error) === FOREIGN_KEY_VIOLATION) {
        throw contentNotFound();
      }
      throw error;
    }
  }
}

/** `work`, with the tables' own refusals of a content item answered as 422. */
async function refused<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    switch (sqlState(error)) {
      case FOREIGN_KEY_VIOLATION:
        throw new UnprocessableEntityException("No such team in this tenant");
      case CHECK_VIOLATION:
        throw new UnprocessableEntityException(
          "Scheduled content needs scheduledAt",
        );
      default:
        throw error;
    }
  }
}
