/**
 * What the content endpoints accept and answer (README.md here). JSON in camelCase, times as ISO
 * 8601 strings in UTC. Bodies are strict: an unknown field is a 422, so a client's typo is not
 * silently ignored. Errors are the skeleton's `{"detail": …}` (src/errors.ts).
 */
import { z } from "zod";

export const id = z.uuid();
// An instant with its offset (`Z` or `+02:00`): a time without one means something else in every
// time zone.
export const instant = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().trim().min(1).max(max);
// As public.tenants and public.platforms check them: lowercase words joined by single hyphens.
export const slug = z
  .string()
  .max(63)
  .regex(
    /^[a-z0-9]+(-[a-z0-9]+)*$/,
    "lowercase letters and digits, words joined by single hyphens",
  );

export const Tenant = z
  .object({
    id,
    name: z.string(),
    slug: z.string(),
    // The PostgreSQL schema that holds the tenant's tables (tenant_<id with underscores>).
    schemaName: z.string(),
    role: z.enum(["owner", "admin", "member"]),
  })
  .meta({ id: "Tenant" });
export type Tenant = z.infer<typeof Tenant>;

export const TenantCreate = z
  .strictObject({ name: text(200), slug })
  .meta({ id: "TenantCreate" });
export type TenantCreate = z.infer<typeof TenantCreate>;

export const ContentStatus = z
  .enum(["draft", "scheduled", "published"])
  .meta({ id: "ContentStatus" });

export const Content = z
  .object({
    id,
    teamId: id.nullable(),
    authorId: id,
    title: z.string(),
    body: z.string(),
    status: ContentStatus,
    scheduledAt: instant.nullable(),
    publishedAt: instant.nullable(),
    // The ComfyUI prompt queued for the content's image, if any.
    imagePromptId: z.string().nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: "Content" });
export type Content = z.infer<typeof Content>;

const scheduledHasTime = (value: {
  status?: string;
  scheduledAt?: string | null;
}) => value.status !== "scheduled" || (value.scheduledAt ?? null) !== null;

export const ContentCreate = z
  .strictObject({
    title: text(300),
    body: z.string().max(100_000).optional(),
    status: ContentStatus.optional(),
    scheduledAt: instant.nullable().optional(),
    teamId: id.nullable().optional(),
  })
  .refine(scheduledHasTime, {
    path: ["scheduledAt"],
    message: "required for scheduled content",
  })
  .meta({ id: "ContentCreate" });
export type ContentCreate = z.infer<typeof ContentCreate>;

/** A change of a content item: a field left out stays as it is. */
export const ContentUpdate = z
  .strictObject({
    title: text(300).optional(),
    body: z.string().max(100_000).optional(),
    status: ContentStatus.optional(),
    scheduledAt: instant.nullable().optional(),
    teamId: id.nullable().optional(),
  })
  .meta({ id: "ContentUpdate" });
export type ContentUpdate = z.infer<typeof ContentUpdate>;

// No `meta({ id })`: the OpenAPI document lists a query schema's fields as parameters only inline.
export const ContentQuery = z.object({ status: ContentStatus.optional() });
export type ContentQuery = z.infer<typeof ContentQuery>;

export const Comment = z
  .object({
    id,
    contentId: id,
    authorId: id,
    body: z.string(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: "Comment" });
export type Comment = z.infer<typeof Comment>;

export const CommentCreate = z
  .strictObject({ body: text(10_000) })
  .meta({ id: "CommentCreate" });
export type CommentCreate = z.infer<typeof CommentCreate>;
