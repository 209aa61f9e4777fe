/** The n8n client against a stub n8n (a real HTTP server on a free port). */
import { afterEach, expect, it } from "vitest";
import { IntegrationError } from "../src/integrations/http.js";
import { executionIdOf, N8nClient } from "../src/integrations/n8n.js";
import { type Stub, startStub, unreachableUrl } from "./stub-server.js";

let stub: Stub | undefined;

afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

it("posts the payload to <N8N_URL>/webhook/<path> and returns the workflow's answer", async () => {
  stub = await startStub(() => ({ body: { executionId: "42" } }));
  const n8n = new N8nClient({
    url: `${stub.url}/`,
    publishWebhook: "content-publish",
  });

  const answer = await n8n.triggerWebhook("content-publish", {
    job: { id: "j1" },
  });

  expect(answer).toEqual({ executionId: "42" });
  expect(executionIdOf(answer)).toBe("42");
  expect(stub.requests).toEqual([
    expect.objectContaining({
      method: "POST",
      path: "/webhook/content-publish",
      body: { job: { id: "j1" } },
    }),
  ]);
  expect(stub.requests[0]!.headers["content-type"]).toBe("application/json");
});

it("reads an execution through the REST API with the API key", async () => {
  stub = await startStub(() => ({
    body: {
      id: "42",
      workflowId: "w1",
      status: "success",
      finished: true,
      startedAt: null,
      stoppedAt: null,
    },
  }));
  const n8n = new N8nClient({
    url: stub.url,
    publishWebhook: "p",
    apiKey: "key-1",
  });

  const execution = await n8n.getExecution("42");

  expect(execution.status).toBe("success");
  expect(stub.requests[0]!.path).toBe("/api/v1/executions/42");
  expect(stub.requests[0]!.headers["x-n8n-api-key"]).toBe("key-1");
});

it("refuses the REST API without an API key, asking nothing", async () => {
  stub = await startStub(() => ({}));
  const n8n = new N8nClient({ url: stub.url, publishWebhook: "p" });

  await expect(n8n.getExecution("42")).rejects.toThrow(
    /N8N_API_KEY is not set/,
  );
  expect(stub.requests).toEqual([]);
});

it("turns an error status into an IntegrationError with n8n's message", async () => {
  stub = await startStub(() => ({
    status: 404,
    body: {
      code: 404,
      message:
        'The requested webhook "POST content-publish" is not registered.',
    },
  }));
  const n8n = new N8nClient({
    url: stub.url,
    publishWebhook: "content-publish",
  });

  const error = await n8n
    .triggerWebhook("content-publish", {})
    .catch((e: unknown) => e);

  expect(error).toBeInstanceOf(IntegrationError);
  expect(error).toMatchObject({ service: "n8n", status: 404 });
  expect((error as Error).message).toBe(
    `n8n: ${stub.url} answered 404: The requested webhook "POST content-publish" is not registered.`,
  );
});

it("gives up on an n8n that does not answer in time", async () => {
  stub = await startStub(() => ({ hang: true }));
  const n8n = new N8nClient({
    url: stub.url,
    publishWebhook: "p",
    timeoutMs: 200,
  });

  await expect(n8n.triggerWebhook("p", {})).rejects.toThrow(
    `n8n: no answer from ${stub.url} within 200 ms`,
  );
});

it("says so when nothing listens at N8N_URL", async () => {
  const url = await unreachableUrl();
  const n8n = new N8nClient({ url, publishWebhook: "p" });

  await expect(n8n.triggerWebhook("p", {})).rejects.toThrow(
    `n8n: ${url} is unreachable (ECONNREFUSED)`,
  );
});
