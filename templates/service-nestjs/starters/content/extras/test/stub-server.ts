/**
 * A real HTTP server on 127.0.0.1 and a free port, standing in for n8n or ComfyUI in the tests: it
 * records every request and answers with `respond` (no fetch mocks: the clients talk HTTP to it).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface StubRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}

export interface StubAnswer {
  status?: number;
  body?: unknown;
  /** Never answer (a server that hangs). */
  hang?: boolean;
}

export interface Stub {
  url: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

export async function startStub(
  respond: (request: StubRequest) => StubAnswer,
): Promise<Stub> {
  const requests: StubRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const request: StubRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: text === "" ? undefined : (JSON.parse(text) as unknown),
      };
      requests.push(request);
      const answer = respond(request);
      if (answer.hang) {
        return;
      }
      res.writeHead(answer.status ?? 200, {
        "content-type": "application/json",
      });
      res.end(JSON.stringify(answer.body ?? {}));
    });
  });
  await new Promise<void>((listening) =>
    server.listen(0, "127.0.0.1", listening),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}

/** A URL where nothing listens: a port that was free a moment ago. */
export async function unreachableUrl(): Promise<string> {
  const stub = await startStub(() => ({}));
  await stub.close();
  return stub.url;
}
