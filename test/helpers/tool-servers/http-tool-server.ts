// A plain HTTP tool server for the http and openapi adapters' tests: it records every request and
// answers by path. /echo/* echoes the request back with fields worth redacting; /slow waits before
// answering; /limited answers 429 with Retry-After until its quota of refusals is spent; /broken
// answers 500; /flaky answers 500 until its quota is spent. Quotas are set with `refuse(path, n)`.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { freePort } from "../free-port.js";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  at: number;
}

export interface HttpToolServer {
  url: string;
  requests: RecordedRequest[];
  /** The next `times` requests to `path` are refused (429 for /limited, 500 for /flaky). */
  refuse(path: "/limited" | "/flaky", times: number): void;
  close(): Promise<void>;
}

export async function startHttpToolServer(): Promise<HttpToolServer> {
  const requests: RecordedRequest[] = [];
  const refusals = new Map<string, number>();
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        at: Date.now(),
      };
      requests.push(recorded);
      answer(recorded, url, res, refusals);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    refuse: (path, times) => refusals.set(path, times),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function answer(request: RecordedRequest, url: URL, res: ServerResponse, refusals: Map<string, number>): void {
  const left = refusals.get(request.path) ?? 0;
  if (request.path === "/limited" && left > 0) {
    refusals.set(request.path, left - 1);
    return json(res, 429, { error: "slow down" }, { "retry-after": "1" });
  }
  if (request.path === "/flaky" && left > 0) {
    refusals.set(request.path, left - 1);
    return json(res, 500, { error: "flaky" });
  }
  if (request.path === "/broken") return json(res, 500, { error: "the database is on fire", password: "hunter2" });
  if (request.path === "/slow") {
    const timer = setTimeout(() => json(res, 200, { slow: true }), Number(url.searchParams.get("ms") ?? "2000"));
    res.on("close", () => clearTimeout(timer));
    return;
  }
  if (request.path === "/text") return void res.writeHead(200, { "content-type": "text/plain" }).end("plain words");
  json(res, 200, {
    method: request.method,
    path: request.path,
    query: request.query,
    body: request.body === "" ? null : (JSON.parse(request.body) as unknown),
    data: { items: [{ name: "first", apiKey: "k-1" }, { name: "second", apiKey: "k-2" }] },
    internal: { token: "t-123" },
  });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}
