/**
 * The queries of the content endpoints. Tenants are read in Database.asUser (public.tenants shows a
 * user their own); a tenant's content in Database.asTenantSchemaUser, where the unqualified tables
 * of tables.ts are that tenant's. A row of another tenant cannot even be named here.
 */
import { asc, desc, eq, sql } from "drizzle-orm";
import type { Tx } from "../db/database.js";
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
import { comments, content } from "./tables.js";

export const iso = (date: Date | null): string | null =>
  date === null ? null : date.toISOString();
const instant = (value: string | null | undefined): Date | null | undefined =>
  value === undefined ? undefined : value === null ? null : new Date(value);

// Tenants -----------------------------------------------------------------------------------------

/** The caller's tenants with their role in each. */
export async function listTenants(tx: Tx): Promise<Tenant[]> {
  const { rows } = await tx.execute<Tenant>(sql`
    select t.id, t.name, t.slug, t.schema_name as "schemaName", m.role
    from public.tenants as t
    join public.tenant_members as m on m.tenant_id = t.id
    where m.user_id = (select auth.uid())
    order by t.name, t.id`);
  return rows;
}

/** A new tenant, its schema and tables, with the caller as its owner; 23505 when the slug is taken. */
export async function createTenant(
  tx: Tx,
  input: TenantCreate,
): Promise<Tenant> {
  const { rows } = await tx.execute<Omit<Tenant, "role">>(
    sql`select t.id, t.name, t.slug, t.schema_name as "schemaName"
        from public.create_tenant(${input.name}, ${input.slug}) as t`,
  );
  return { ...rows[0]!, role: "owner" };
}

/**
 * Erases the tenant, its schema with every row in it (public.erase_tenant: the caller must be an
 * owner). P0002 when the caller is no member, 42501 when not an owner.
 */
export async function eraseTenant(tx: Tx, tenantId: string): Promise<void> {
  await tx.execute(sql`select public.erase_tenant(${tenantId})`);
}

// Content -----------------------------------------------------------------------------------------

type ContentRow = typeof content.$inferSelect;
const toContent = (r: ContentRow): Content => ({
  id: r.id,
  teamId: r.teamId,
  authorId: r.authorId,
  title: r.title,
  body: r.body,
  status: r.status,
  scheduledAt: iso(r.scheduledAt),
  publishedAt: iso(r.publishedAt),
  imagePromptId: r.imagePromptId,
  createdAt: iso(r.createdAt)!,
  updatedAt: iso(r.updatedAt)!,
});

/** Newest first. */
export async function listContent(
  tx: Tx,
  query: ContentQuery,
): Promise<Content[]> {
  const rows = await tx
    .select()
    .from(content)
    .where(
      query.status === undefined ? undefined : eq(content.status, query.status),
    )
    .orderBy(desc(content.createdAt), asc(content.id));
  return rows.map(toContent);
}

export async function getContent(
  tx: Tx,
  id: string,
): Promise<Content | undefined> {
  const rows = await tx.select().from(content).where(eq(content.id, id));
  return rows[0] === undefined ? undefined : toContent(rows[0]);
}

// Published content gets its published_at once, when it is first published.
const publishedAt = sql`coalesce(${content.publishedAt}, now())`;

export async function createContent(
  tx: Tx,
  input: ContentCreate,
): Promise<Content> {
  const rows = await tx
    .insert(content)
    .values({
      title: input.title,
      ...(input.body !== undefined && { body: input.body }),
      ...(input.status !== undefined && { status: input.status }),
      ...(input.status === "published" && { publishedAt: sql`now()` }),
      scheduledAt: instant(input.scheduledAt) ?? null,
      teamId: input.teamId ?? null,
    })
    .returning();
  return toContent(rows[0]!);
}

/** The content after `change`; undefined when there is no such content. */
export async function updateContent(
  tx: Tx,
  id: string,
  change: ContentUpdate,
): Promise<Content | undefined> {
  const set = {
    ...(change.title !== undefined && { title: change.title }),
    ...(change.body !== undefined && { body: change.body }),
    ...(change.status !== undefined && { status: change.status }),
    ...(change.status === "published" && { publishedAt }),
    ...(change.scheduledAt !== undefined && {
      scheduledAt: instant(change.scheduledAt),
    }),
    ...(change.teamId !== undefined && { teamId: change.teamId }),
  };
  if (Object.keys(set).length === 0) {
    return getContent(tx, id);
  }
  const rows = await tx
    .update(content)
    .set(set)
    .where(eq(content.id, id))
    .returning();
  return rows[0] === undefined ? undefined : toContent(rows[0]);
}

/** True when the content was there (its comments and publish jobs go with it). */
export async function deleteContent(tx: Tx, id: string): Promise<boolean> {
  const rows = await tx
    .delete(content)
    .where(eq(content.id, id))
    .returning({ id: content.id });
  return rows.length > 0;
}

// Comments ----------------------------------------------------------------------------------------

type CommentRow = typeof comments.$inferSelect;
const toComment = (r: CommentRow): Comment => ({
  id: r.id,
  contentId: r.contentId,
  authorId: r.authorId,
  body: r.body,
  createdAt: iso(r.createdAt)!,
  updatedAt: iso(r.updatedAt)!,
});

/** Oldest first. */
export async function listComments(
  tx: Tx,
  contentId: string,
): Promise<Comment[]> {
  const rows = await tx
    .select()
    .from(comments)
    .where(eq(comments.contentId, contentId))
    .orderBy(asc(comments.createdAt), asc(comments.id));
  return rows.map(toComment);
}

/** The new comment; 23503 when the content does not exist. */
export async function createComment(
  tx: Tx,
  contentId: string,
  input: CommentCreate,
): Promise<Comment> {
  const rows = await tx
    .insert(comments)
    .values({ contentId, body: input.body })
    .returning();
  return toComment(rows[0]!);
}

export async function contentExists(tx: Tx, id: string): Promise<boolean> {
  const rows = await tx
    .select({ id: content.id })
    .from(content)
    .where(eq(content.id, id));
  return rows.length > 0;
}
