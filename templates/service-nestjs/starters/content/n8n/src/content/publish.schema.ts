/** What POST /tenants/:tenantId/content/:contentId/publish accepts and answers. */
import { z } from "zod";
import { id, instant, slug } from "./content.schema.js";

export const PublishRequest = z
  .strictObject({
    // A slug of public.platforms (web, instagram, …).
    platform: slug,
    socialAccountId: id.nullable().optional(),
    // When the workflow should publish; now when left out.
    scheduledAt: instant.nullable().optional(),
  })
  .meta({ id: "PublishRequest" });
export type PublishRequest = z.infer<typeof PublishRequest>;

export const PublishJob = z
  .object({
    id,
    contentId: id,
    socialAccountId: id.nullable(),
    platform: z.string(),
    // queued: stored, n8n not asked yet; triggered: n8n took it; failed: n8n refused or was unreachable.
    status: z.enum(["queued", "triggered", "succeeded", "failed"]),
    scheduledAt: instant.nullable(),
    n8nExecutionId: z.string().nullable(),
    error: z.string().nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: "PublishJob" });
export type PublishJob = z.infer<typeof PublishJob>;
