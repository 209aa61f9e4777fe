/**
 * JSON over HTTP to the workspace's extra services (n8n, ComfyUI): every request has a timeout, and
 * whatever goes wrong (unreachable, too slow, an error status, an answer that is not JSON) is one
 * IntegrationError naming the service. Messages name the server's origin only: a URL's credentials
 * and a webhook's path (often its secret) stay out of logs and responses.
 */

export class IntegrationError extends Error {
  override name = "IntegrationError";

  constructor(
    /** "n8n", "ComfyUI". */
    readonly service: string,
    message: string,
    /** The HTTP status the service answered with; undefined when it did not answer. */
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(`${service}: ${message}`, options);
  }
}

export interface JsonRequest {
  method: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
}

/** `url` without its path and credentials, for messages. */
const origin = (url: string): string => new URL(url).origin;

/** What an error answer says, briefly: its `message` / `error.message` when JSON, else its start. */
function excerpt(text: string): string {
  try {
    const body = JSON.parse(text) as {
      message?: unknown;
      error?: { message?: unknown } | string;
    };
    const message =
      typeof body.error === "object"
        ? body.error.message
        : (body.error ?? body.message);
    if (typeof message === "string" && message !== "") {
      return message.slice(0, 300);
    }
  } catch {
    // Not JSON: its text.
  }
  return text.slice(0, 300) || "(empty body)";
}

/** The JSON answer of `service` to the request; IntegrationError for anything else. */
export async function requestJson<T>(
  service: string,
  { method, url, headers = {}, body, timeoutMs }: JsonRequest,
): Promise<T> {
  let status: number;
  let text: string;
  try {
    const response = await fetch(url, {
      method,
      headers: {
        accept: "application/json",
        ...(body !== undefined && { "content-type": "application/json" }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    if (error instanceof DOMException && error.name === "TimeoutError") {
      throw new IntegrationError(
        service,
        `no answer from ${origin(url)} within ${timeoutMs} ms`,
        undefined,
        { cause: error },
      );
    }
    // fetch's TypeError ("fetch failed") carries the system error (ECONNREFUSED, ENOTFOUND) as its cause.
    const cause = (error as { cause?: { code?: unknown; message?: unknown } })
      .cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new IntegrationError(
      service,
      `${origin(url)} is unreachable (${String(why)})`,
      undefined,
      { cause: error },
    );
  }
  if (status < 200 || status > 299) {
    throw new IntegrationError(
      service,
      `${origin(url)} answered ${status}: ${excerpt(text)}`,
      status,
    );
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new IntegrationError(
      service,
      `${origin(url)} answered ${status} with a body that is not JSON`,
      status,
      { cause: error },
    );
  }
}

/** `base` (a service's URL, maybe with a path prefix) joined with `path`. */
export const joinUrl = (base: string, path: string): string =>
  `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
