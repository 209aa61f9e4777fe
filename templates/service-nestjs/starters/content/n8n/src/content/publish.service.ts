/**
 * Publishing through n8n. The job is committed first, then n8n's webhook gets it, then the job
 * records what n8n said: three short steps, so no transaction waits on n8n, and a job n8n never
 * took stays visible as failed (with why) instead of vanishing with a rolled-back transaction.
 */
import {
  BadGatewayException,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from "@nestjs/common";
import { eq } from "drizzle-orm";
import type { Tx } from "../db/database.js";
import { sqlState } from "../errors.js";
import { IntegrationError } from "../integrations/http.js";
import { executionIdOf, N8nClient } from "../integrations/n8n.js";
import * as repository from "./content.repository.js";
import { iso } from "./content.repository.js";
import {
  contentNotFound,
  ContentService,
  type TenantScope,
} from "./content.service.js";
import type { PublishJob, PublishRequest } from "./publish.schema.js";
import { publishJobs } from "./tables.js";

type JobRow = typeof publishJobs.$inferSelect;
const toJob = (r: JobRow): PublishJob => ({
  id: r.id,
  contentId: r.contentId,
  socialAccountId: r.socialAccountId,
  platform: r.platform,
  status: r.status,
  scheduledAt: iso(r.scheduledAt),
  n8nExecutionId: r.n8nExecutionId,
  error: r.error,
  createdAt: iso(r.createdAt)!,
  updatedAt: iso(r.updatedAt)!,
});

@Injectable()
export class PublishService {
  constructor(
    @Inject(ContentService) private readonly content: ContentService,
    @Inject(N8nClient) private readonly n8n: N8nClient | null,
  ) {}

  async publish(
    scope: TenantScope,
    contentId: string,
    request: PublishRequest,
  ): Promise<PublishJob> {
    const n8n = this.n8n;
    if (n8n === null) {
      throw new ServiceUnavailableException(
        "Publishing is not configured: set N8N_URL for this service",
      );
    }
    const { job, item } = await this.queue(scope, contentId, request);
    let answer: unknown;
    let failure: IntegrationError | undefined;
    try {
      answer = await n8n.triggerWebhook(n8n.options.publishWebhook, {
        tenantId: scope.tenantId,
        job,
        content: item,
      });
    } catch (error) {
      if (!(error instanceof IntegrationError)) {
        throw error;
      }
      failure = error;
    }
    const settled = await this.content.inTenant(scope, (tx) =>
      settle(
        tx,
        job.id,
        failure === undefined
          ? { status: "triggered", n8nExecutionId: executionIdOf(answer) }
          : { status: "failed", error: failure.message },
      ),
    );
    if (failure !== undefined) {
      throw new BadGatewayException(
        `Publish job ${job.id} failed: ${failure.message}`,
      );
    }
    return settled ?? job;
  }

  /** The new job (status queued) with its content; 404 without the content, 422 for an unknown platform or account. */
  private async queue(
    scope: TenantScope,
    contentId: string,
    request: PublishRequest,
  ) {
    try {
      return await this.content.inTenant(scope, async (tx) => {
        const item = await repository.getContent(tx, contentId);
        if (item === undefined) {
          throw contentNotFound();
        }
        const rows = await tx
          .insert(publishJobs)
          .values({
            contentId,
            platform: request.platform,
            socialAccountId: request.socialAccountId ?? null,
            scheduledAt:
              request.scheduledAt == null
                ? null
                : new Date(request.scheduledAt),
          })
          .returning();
        return { job: toJob(rows[0]!), item };
      });
    } catch (error) {
      // public.require_platform() and the social account's foreign key both answer 23503.
      if (sqlState(error) === "23503") {
        throw new UnprocessableEntityException(
          `Unknown platform ${request.platform} (public.platforms) or social account`,
        );
      }
      throw error;
    }
  }
}

async function settle(
  tx: Tx,
  id: string,
  outcome: Partial<Pick<JobRow, "status" | "n8nExecutionId" | "error">>,
): Promise<PublishJob | undefined> {
  const rows = await tx
    .update(publishJobs)
    .set(outcome)
    .where(eq(publishJobs.id, id))
    .returning();
  return rows[0] === undefined ? undefined : toJob(rows[0]);
}
