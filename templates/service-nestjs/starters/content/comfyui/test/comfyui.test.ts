/** The ComfyUI client against a stub ComfyUI (a real HTTP server on a free port). */
import { afterEach, expect, it } from "vitest";
import { ComfyUiClient } from "../src/integrations/comfyui.js";
import { IntegrationError } from "../src/integrations/http.js";
import { type Stub, startStub, unreachableUrl } from "./stub-server.js";

const WORKFLOW = {
  "3": { class_type: "KSampler", inputs: { seed: 1, steps: 20 } },
};

let stub: Stub | undefined;

afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

it("queues a prompt with its client id, as POST /prompt", async () => {
  stub = await startStub(() => ({
    body: { prompt_id: "p-1", number: 7, node_errors: {} },
  }));
  const comfyui = new ComfyUiClient({ url: stub.url, clientId: "svc" });

  const queued = await comfyui.queuePrompt(WORKFLOW);

  expect(queued).toEqual({ prompt_id: "p-1", number: 7, node_errors: {} });
  expect(stub.requests).toEqual([
    expect.objectContaining({
      method: "POST",
      path: "/prompt",
      body: { prompt: WORKFLOW, client_id: "svc" },
    }),
  ]);
});

it("reads a prompt's history entry, and nothing before it has run", async () => {
  stub = await startStub(({ path }) => ({
    body:
      path === "/history/p-1"
        ? { "p-1": { outputs: {}, status: { completed: true } } }
        : {},
  }));
  const comfyui = new ComfyUiClient({ url: stub.url });

  expect(await comfyui.history("p-1")).toEqual({
    outputs: {},
    status: { completed: true },
  });
  expect(await comfyui.history("p-2")).toBeUndefined();
});

it("reads the system stats", async () => {
  stub = await startStub(() => ({
    body: { system: { comfyui_version: "0.3.60" }, devices: [] },
  }));

  const stats = await new ComfyUiClient({ url: stub.url }).systemStats();

  expect(stats.system).toEqual({ comfyui_version: "0.3.60" });
  expect(stub.requests[0]!.path).toBe("/system_stats");
});

it("turns ComfyUI's refusal of a workflow into an IntegrationError with its message", async () => {
  stub = await startStub(() => ({
    status: 400,
    body: {
      error: {
        type: "prompt_no_outputs",
        message: "Prompt has no outputs",
        details: "",
      },
      node_errors: [],
    },
  }));
  const comfyui = new ComfyUiClient({ url: stub.url });

  const error = await comfyui.queuePrompt(WORKFLOW).catch((e: unknown) => e);

  expect(error).toBeInstanceOf(IntegrationError);
  expect(error).toMatchObject({ service: "ComfyUI", status: 400 });
  expect((error as Error).message).toBe(
    `ComfyUI: ${stub.url} answered 400: Prompt has no outputs`,
  );
});

it("gives up on a ComfyUI that does not answer in time", async () => {
  stub = await startStub(() => ({ hang: true }));
  const comfyui = new ComfyUiClient({ url: stub.url, timeoutMs: 200 });

  await expect(comfyui.systemStats()).rejects.toThrow(
    `ComfyUI: no answer from ${stub.url} within 200 ms`,
  );
});

it("says so when nothing listens at COMFYUI_URL", async () => {
  const url = await unreachableUrl();

  await expect(
    new ComfyUiClient({ url }).queuePrompt(WORKFLOW),
  ).rejects.toThrow(`ComfyUI: ${url} is unreachable (ECONNREFUSED)`);
});
