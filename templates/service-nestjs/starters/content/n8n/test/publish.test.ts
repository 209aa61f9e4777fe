/**
 * POST /tenants/:tenantId/content/:contentId/publish against a real PostgreSQL and a stub n8n (a
 * real HTTP server): the job is stored, handed to n8n's webhook, and keeps what n8n answered.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { api, tenantOf } from "./content-fixtures.js";
import { type Stub, type StubAnswer, startStub } from "./stub-server.js";
import { createUser, startApp, testConfig, useTestApp } from "./testing.js";

let n8n: Stub;
let answer: StubAnswer;

beforeAll(async () => {
  n8n = await startStub(() => answer);
});
afterAll(() => n8n?.close());

const testApp = useTestApp({
  env: () => ({ N8N_URL: n8n.url, N8N_PUBLISH_WEBHOOK: "content-publish" }),
});

beforeAll(() =>
  testApp.database.query(
    "insert into public.platforms (slug, name) values ('web', 'Web') on conflict do nothing",
  ),
);
beforeEach(() => {
  n8n.requests.length = 0;
  answer = { body: { executionId: "exec-1" } };
});

async function draft() {
  const ada = await createUser(testApp.database, "ada@example.com");
  const engines = await tenantOf(testApp.app, ada, "engines");
  const item = await api(testApp.app, ada).post(engines.content, {
    title: "Launch post",
  });
  return {
    ada,
    engines,
    item: item.body,
    publish: `${engines.content}/${item.body.id}/publish`,
  };
}

it("stores a publish job, hands it to n8n's webhook and keeps the execution id", async () => {
  const { ada, engines, item, publish } = await draft();

  const reply = await api(testApp.app, ada).post(publish, { platform: "web" });

  expect(reply.status).toBe(202);
  expect(reply.body).toMatchObject({
    contentId: item.id,
    platform: "web",
    status: "triggered",
    n8nExecutionId: "exec-1",
    error: null,
  });
  expect(n8n.requests).toEqual([
    expect.objectContaining({
      method: "POST",
      path: "/webhook/content-publish",
      body: {
        tenantId: engines.id,
        job: expect.objectContaining({ id: reply.body.id, status: "queued" }),
        content: expect.objectContaining({ id: item.id, title: "Launch post" }),
      },
    }),
  ]);
  const { rows } = await testApp.database.query(
    `select status, n8n_execution_id, requested_by from ${engines.schemaName}.publish_jobs`,
  );
  expect(rows).toEqual([
    { status: "triggered", n8n_execution_id: "exec-1", requested_by: ada.id },
  ]);
});

it("keeps a job n8n refused as failed, with why, and answers 502", async () => {
  const { ada, engines, publish } = await draft();
  answer = { status: 500, body: { message: "Workflow could not be started!" } };

  const reply = await api(testApp.app, ada).post(publish, { platform: "web" });

  expect(reply.status).toBe(502);
  expect(reply.body.detail).toMatch(
    /^Publish job [0-9a-f-]{36} failed: n8n: .* answered 500: Workflow could not be started!$/,
  );
  const { rows } = await testApp.database.query(
    `select status, error from ${engines.schemaName}.publish_jobs`,
  );
  expect(rows).toEqual([
    { status: "failed", error: expect.stringContaining("answered 500") },
  ]);
});

it("refuses an unknown platform and a stranger's content without asking n8n", async () => {
  const { ada, publish } = await draft();
  const bob = await createUser(testApp.database, "bob@example.com");

  const unknown = await api(testApp.app, ada).post(publish, {
    platform: "myspace",
  });
  const stranger = await api(testApp.app, bob).post(publish, {
    platform: "web",
  });

  expect(unknown.status).toBe(422);
  expect(unknown.body.detail).toMatch(/^Unknown platform myspace/);
  expect(stranger).toEqual({
    status: 404,
    body: { detail: "Tenant not found" },
  });
  expect(n8n.requests).toEqual([]);
});

it("answers 503 where N8N_URL is not set", async () => {
  const { ada, publish } = await draft();
  const unconfigured = await startApp(testConfig(testApp.database));
  try {
    const reply = await api(unconfigured, ada).post(publish, {
      platform: "web",
    });

    expect(reply).toEqual({
      status: 503,
      body: {
        detail: "Publishing is not configured: set N8N_URL for this service",
      },
    });
  } finally {
    await unconfigured.close();
  }
});
