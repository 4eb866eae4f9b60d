// Plain-HTTP probes for the kubelet: /healthz (the process answers) and /readyz (it can serve turns:
// not draining and the session store reachable).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { SessionStore } from "../../shared/session/session-store.js";
import type { RuntimeStatus } from "../grpc/unary-handlers.js";

export class HealthServer {
  private readonly server: Server;

  constructor(store: SessionStore, status: RuntimeStatus) {
    this.server = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      const reply = (code: number, body: Record<string, string>) => {
        res.writeHead(code, { "content-type": "application/json" }).end(JSON.stringify(body));
      };
      if (req.method !== "GET" && req.method !== "HEAD") return reply(405, { error: "method not allowed" });
      if (path === "/healthz") return reply(200, { status: "ok" });
      if (path === "/readyz") {
        if (status.draining) return reply(503, { status: "draining" });
        store.ping().then(
          (ok) => (ok ? reply(200, { status: "ready" }) : reply(503, { status: "session store unavailable" })),
          () => reply(503, { status: "session store unavailable" }),
        );
        return;
      }
      reply(404, { error: "not found" });
    });
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
