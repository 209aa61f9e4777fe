/**
 * POST /tenants/:tenantId/content/:contentId/image against a real PostgreSQL and a stub ComfyUI (a
 * real HTTP server): the workflow is queued and its prompt id kept on the content.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { api, tenantOf } from "./content-fixtures.js";
import { type Stub, type StubAnswer, startStub } from "./stub-server.js";
import { createUser, startApp, testConfig, useTestApp } from "./testing.js";

const WORKFLOW = {
  "9": { class_type: "SaveImage", inputs: { filename_prefix: "content" } },
};

let comfyui: Stub;
let answer: StubAnswer;

beforeAll(async () => {
  comfyui = await startStub(() => answer);
});
afterAll(() => comfyui?.close());

const testApp = useTestApp({ env: () => ({ COMFYUI_URL: comfyui.url }) });

beforeEach(() => {
  comfyui.requests.length = 0;
  answer = { body: { prompt_id: "prompt-1", number: 3, node_errors: {} } };
});

async function draft() {
  const ada = await createUser(testApp.database, "ada@example.com");
  const engines = await tenantOf(testApp.app, ada, "engines");
  const item = await api(testApp.app, ada).post(engines.content, {
    title: "Cover",
  });
  return {
    ada,
    engines,
    item: `${engines.content}/${item.body.id}`,
    id: item.body.id,
  };
}

it("queues the workflow in ComfyUI and keeps the prompt id on the content", async () => {
  const { ada, item, id } = await draft();

  const reply = await api(testApp.app, ada).post(`${item}/image`, {
    workflow: WORKFLOW,
  });

  expect(reply).toEqual({
    status: 202,
    body: { contentId: id, promptId: "prompt-1", number: 3 },
  });
  expect(comfyui.requests).toEqual([
    expect.objectContaining({
      method: "POST",
      path: "/prompt",
      body: { prompt: WORKFLOW, client_id: expect.any(String) },
    }),
  ]);
  expect((await api(testApp.app, ada).get(item)).body.imagePromptId).toBe(
    "prompt-1",
  );
});

it("answers 502 with ComfyUI's reason when it refuses the workflow", async () => {
  const { ada, item } = await draft();
  answer = {
    status: 400,
    body: {
      error: { type: "prompt_no_outputs", message: "Prompt has no outputs" },
      node_errors: [],
    },
  };

  const reply = await api(testApp.app, ada).post(`${item}/image`, {
    workflow: WORKFLOW,
  });

  expect(reply.status).toBe(502);
  expect(reply.body.detail).toMatch(
    /^ComfyUI: .* answered 400: Prompt has no outputs$/,
  );
  expect((await api(testApp.app, ada).get(item)).body.imagePromptId).toBeNull();
});

it("asks ComfyUI nothing for a stranger's content, or content that is not there", async () => {
  const { ada, engines, item } = await draft();
  const bob = await createUser(testApp.database, "bob@example.com");

  const stranger = await api(testApp.app, bob).post(`${item}/image`, {
    workflow: WORKFLOW,
  });
  const missing = await api(testApp.app, ada).post(
    `${engines.content}/${crypto.randomUUID()}/image`,
    { workflow: WORKFLOW },
  );

  expect(stranger).toEqual({
    status: 404,
    body: { detail: "Tenant not found" },
  });
  expect(missing).toEqual({
    status: 404,
    body: { detail: "Content not found" },
  });
  expect(comfyui.requests).toEqual([]);
});

it("answers 503 where COMFYUI_URL is not set", async () => {
  const { ada, item } = await draft();
  const unconfigured = await startApp(testConfig(testApp.database));
  try {
    const reply = await api(unconfigured, ada).post(`${item}/image`, {
      workflow: WORKFLOW,
    });

    expect(reply).toEqual({
      status: 503,
      body: {
        detail: "Images are not configured: set COMFYUI_URL for this service",
      },
    });
  } finally {
    await unconfigured.close();
  }
});
