// A Node facade started in this process from OMNIA_* variables (as main.ts would), in front of a
// runtime on loopback, with every log line kept so a test can check no credential reached one;
// and a raw upgrade that reports a refusal's status, headers and body.
import { pino } from "pino";
import WebSocket from "ws";
import { loadNodeFacadeConfig } from "../../facade/node/config.js";
import { startNodeFacade, type RunningNodeFacade } from "../../facade/node/start-node-facade.js";

export interface AuthFacade {
  running: RunningNodeFacade;
  url: string;
  wsUrl(query?: Record<string, string>): string;
  /** Every log line so far (JSON text). */
  logs: string[];
  /** POST /ws/ticket: the status and JSON body. */
  ticket(authorization: string | undefined, query?: Record<string, string>): Promise<{ status: number; headers: Headers; body: Record<string, unknown>; text: string }>;
  stop(): Promise<void>;
}

export async function startAuthFacade(env: Record<string, string>): Promise<AuthFacade> {
  const logs: string[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => void logs.push(line) });
  const running = await startNodeFacade(loadNodeFacadeConfig({ OMNIA_FACADE_PORT: "0", ...env }), logger);
  const url = `http://127.0.0.1:${running.port}`;
  return {
    running,
    url,
    logs,
    wsUrl: (query = {}) => `ws://127.0.0.1:${running.port}/ws${Object.keys(query).length ? `?${new URLSearchParams(query).toString()}` : ""}`,
    async ticket(authorization, query = {}) {
      const search = Object.keys(query).length ? `?${new URLSearchParams(query).toString()}` : "";
      const response = await fetch(`${url}/ws/ticket${search}`, { method: "POST", headers: authorization ? { authorization } : {} });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: JSON.parse(text) as Record<string, unknown>, text };
    },
    stop: () => running.shutdown(),
  };
}

export interface RawUpgrade {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Attempts an upgrade; resolves with the refusal, or with status 101 (the socket is closed again). */
export function rawUpgrade(url: string, headers: Record<string, string> = {}): Promise<RawUpgrade> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once("open", () => {
      socket.close();
      resolve({ status: 101, headers: {}, body: "" });
    });
    socket.once("unexpected-response", (_req, res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    socket.once("error", reject);
  });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
