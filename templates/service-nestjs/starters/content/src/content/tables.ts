/**
 * A tenant's tables, described for Drizzle's query builder: created in every tenant's schema by the
 * first tenant migration (supabase/migrations/*_tenant_content.sql), never from here. No schema is
 * named: Database.asTenantSchemaUser puts the request's tenant first on the search_path, so these
 * unqualified names are that tenant's tables. Keep them in step with the migrations by hand.
 */
import { sql } from "drizzle-orm";
import { pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

const at = (name: string) => timestamp(name, { withTimezone: true });
// The column defaults of the migration: what an insert leaves out, PostgreSQL fills in.
const caller = sql`auth.uid()`;

export const content = pgTable("content", {
  id: uuid("id").primaryKey().defaultRandom(),
  teamId: uuid("team_id"),
  authorId: uuid("author_id").notNull().default(caller),
  title: text("title").notNull(),
  body: text("body").notNull().default(""),
  status: text("status", { enum: ["draft", "scheduled", "published"] })
    .notNull()
    .default("draft"),
  scheduledAt: at("scheduled_at"),
  publishedAt: at("published_at"),
  imagePromptId: text("image_prompt_id"),
  createdAt: at("created_at").notNull().defaultNow(),
  updatedAt: at("updated_at").notNull().defaultNow(),
});

export const comments = pgTable("comments", {
  id: uuid("id").primaryKey().defaultRandom(),
  contentId: uuid("content_id").notNull(),
  authorId: uuid("author_id").notNull().default(caller),
  body: text("body").notNull(),
  createdAt: at("created_at").notNull().defaultNow(),
  updatedAt: at("updated_at").notNull().defaultNow(),
});

export const publishJobs = pgTable("publish_jobs", {
  id: uuid("id").primaryKey().defaultRandom(),
  contentId: uuid("content_id").notNull(),
  socialAccountId: uuid("social_account_id"),
  workflowId: uuid("workflow_id"),
  platform: text("platform").notNull(),
  status: text("status", {
    enum: ["queued", "triggered", "succeeded", "failed"],
  })
    .notNull()
    .default("queued"),
  scheduledAt: at("scheduled_at"),
  n8nExecutionId: text("n8n_execution_id"),
  error: text("error"),
  requestedBy: uuid("requested_by").default(caller),
  createdAt: at("created_at").notNull().defaultNow(),
  updatedAt: at("updated_at").notNull().defaultNow(),
});
