/**
 * n8n, the workspace's workflow automation (`with: n8n`): its webhooks, which start a workflow with
 * a JSON body, and its REST API (/api/v1, header X-N8N-API-KEY) for what the workflows did.
 *
 *     N8N_URL                 http://n8n:5678 in compose; unset: nothing is sent (503 from the endpoints)
 *     N8N_PUBLISH_WEBHOOK     the path of the publishing workflow's Webhook node (POST <N8N_URL>/webhook/<path>)
 *     N8N_API_KEY             for the REST API only (n8n: Settings → n8n API)
 */
import type { Provider } from "@nestjs/common";
import { CONFIG, type Config } from "../config.js";
import { IntegrationError, joinUrl, requestJson } from "./http.js";

export interface N8nOptions {
  url: string;
  publishWebhook: string;
  apiKey?: string;
  /** Per request; 10 s by default. */
  timeoutMs?: number;
}

/** An execution as n8n's REST API describes it (the fields used here; n8n sends more). */
export interface N8nExecution {
  id: string;
  workflowId: string;
  status: string;
  finished: boolean;
  startedAt: string | null;
  stoppedAt: string | null;
}

export class N8nClient {
  private readonly timeoutMs: number;

  constructor(readonly options: N8nOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * POST `payload` to the webhook at `path` (the Webhook node's path; test webhooks are under
   * webhook-test/, not here). The answer is what the workflow responds: its "Respond to Webhook"
   * node, or n8n's own `{"message": "Workflow was started"}` for a webhook that answers at once.
   */
  triggerWebhook<T = unknown>(path: string, payload: unknown): Promise<T> {
    return requestJson<T>("n8n", {
      method: "POST",
      url: joinUrl(this.options.url, `webhook/${path}`),
      body: payload,
      timeoutMs: this.timeoutMs,
    });
  }

  /** The execution `id`, through the REST API (needs N8N_API_KEY). */
  getExecution(id: string): Promise<N8nExecution> {
    if (this.options.apiKey === undefined) {
      return Promise.reject(
        new IntegrationError(
          "n8n",
          "N8N_API_KEY is not set: the REST API needs it",
        ),
      );
    }
    return requestJson<N8nExecution>("n8n", {
      method: "GET",
      url: joinUrl(
        this.options.url,
        `api/v1/executions/${encodeURIComponent(id)}`,
      ),
      headers: { "X-N8N-API-KEY": this.options.apiKey },
      timeoutMs: this.timeoutMs,
    });
  }
}

/**
 * The execution id in a webhook's answer, where the workflow returns one: have its "Respond to
 * Webhook" node answer `{"executionId": "{{ $execution.id }}"}`. Null otherwise.
 */
export function executionIdOf(answer: unknown): string | null {
  if (answer === null || typeof answer !== "object") {
    return null;
  }
  const { executionId, execution_id: snake } = answer as Record<
    string,
    unknown
  >;
  const id = executionId ?? snake;
  return typeof id === "string" || typeof id === "number" ? String(id) : null;
}

/** The N8nClient of the service's settings; null where N8N_URL is unset. */
export const n8nProvider: Provider = {
  provide: N8nClient,
  useFactory: (config: Config) =>
    config.n8n === undefined ? null : new N8nClient(config.n8n),
  inject: [CONFIG],
};
