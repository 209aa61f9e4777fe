/**
 * ComfyUI, the workspace's image generation (`with: comfyui`), through its HTTP API:
 *
 *     POST /prompt {prompt, client_id}   → {prompt_id, number, node_errors}   queue a workflow
 *     GET  /history/{prompt_id}          → {} until it ran, then {<prompt_id>: {outputs, status, …}}
 *     GET  /system_stats                 → the server's versions and devices
 *
 * COMFYUI_URL: http://comfyui:8188 in compose (ComfyUI has no login: keep it off the internet);
 * unset, the image endpoint answers 503.
 */
import { randomUUID } from "node:crypto";
import type { Provider } from "@nestjs/common";
import { CONFIG, type Config } from "../config.js";
import { joinUrl, requestJson } from "./http.js";

export interface ComfyUiOptions {
  url: string;
  /** Names this service's prompts in ComfyUI's websocket messages; random by default. */
  clientId?: string;
  /** Per request; 10 s by default. */
  timeoutMs?: number;
}

export interface QueuedPrompt {
  prompt_id: string;
  number: number;
  node_errors: Record<string, unknown>;
}

export interface SystemStats {
  system: Record<string, unknown>;
  devices: Record<string, unknown>[];
}

export class ComfyUiClient {
  readonly clientId: string;
  private readonly timeoutMs: number;

  constructor(readonly options: ComfyUiOptions) {
    this.clientId = options.clientId ?? randomUUID();
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Queues `workflow` (API format: node id → {class_type, inputs}); a 400 names what is wrong with it. */
  queuePrompt(workflow: Record<string, unknown>): Promise<QueuedPrompt> {
    return requestJson<QueuedPrompt>("ComfyUI", {
      method: "POST",
      url: joinUrl(this.options.url, "prompt"),
      body: { prompt: workflow, client_id: this.clientId },
      timeoutMs: this.timeoutMs,
    });
  }

  /** The prompt's history entry: undefined until it has run. */
  async history(
    promptId: string,
  ): Promise<Record<string, unknown> | undefined> {
    const entries = await requestJson<Record<string, Record<string, unknown>>>(
      "ComfyUI",
      {
        method: "GET",
        url: joinUrl(
          this.options.url,
          `history/${encodeURIComponent(promptId)}`,
        ),
        timeoutMs: this.timeoutMs,
      },
    );
    return entries[promptId];
  }

  systemStats(): Promise<SystemStats> {
    return requestJson<SystemStats>("ComfyUI", {
      method: "GET",
      url: joinUrl(this.options.url, "system_stats"),
      timeoutMs: this.timeoutMs,
    });
  }
}

/** The ComfyUiClient of the service's settings; null where COMFYUI_URL is unset. */
export const comfyUiProvider: Provider = {
  provide: ComfyUiClient,
  useFactory: (config: Config) =>
    config.comfyui === undefined ? null : new ComfyUiClient(config.comfyui),
  inject: [CONFIG],
};
