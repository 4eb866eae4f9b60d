// Assembles the portable facade for Node: @hono/node-server for HTTP, `ws` for upgrades,
// grpc-js runtime clients, keepalive pings, and the separate health port of a pod.
import { serve, type ServerType } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { Hono } from "hono";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { WebSocketServer } from "ws";
import { createFacade, type Facade } from "../core/facade-app.js";
import type { Logger } from "../core/logger.js";
import { acceptWebSockets } from "./accept-websockets.js";
import type { NodeFacadeConfig } from "./config.js";
import { GrpcRuntimeClient } from "./grpc-runtime-client.js";
import { startKeepalive } from "./keepalive.js";
import { createJournal } from "./create-journal.js";
import { startNodeAuth } from "./node-auth.js";
import { startNodeMedia } from "./media-config.js";
import { outlastClientPools } from "../../shared/net/keep-alive.js";

export interface RunningNodeFacade {
  facade: Facade;
  port: number;
  healthPort: number | undefined;
  /** Which agents are open and why that is allowed (the start-up line says it). */
  authNote: string;
  /** Drain (readyz 503, upgrades 503, 1001 once turns end), then stop listening. */
  shutdown(): Promise<void>;
}

export async function startNodeFacade(config: NodeFacadeConfig, logger: Logger): Promise<RunningNodeFacade> {
  // First: a facade that may not listen this way must not start anything.
  const auth = await startNodeAuth(config, logger);
  const runtimes = config.agents.map((a) => ({ ...a, runtime: new GrpcRuntimeClient(a.runtimeAddress) }));
  const journal = createJournal(config.journal);
  const media = startNodeMedia(config.media, config.journal.redisUrl, logger);
  const facade = createFacade({
    agents: runtimes.map((a) => {
      const agentAuth = auth.agents.get(`${a.namespace}/${a.name}`);
      return { name: a.name, namespace: a.namespace, runtime: a.runtime, ...(agentAuth ? { auth: agentAuth } : {}) };
    }),
    limits: config.limits,
    allowedOrigins: config.allowedOrigins,
    logger,
    journal,
    resumable: config.journal.mode === "on",
    owner: config.journal.owner,
    sessionOwners: auth.owners,
    media: media.media,
    clientAddress: (c) => getConnInfo(c).remote.address ?? "unknown",
  });

  const server = await listen(facade.app, config.host, config.port);
  // Frames over the protocol limit get an error and the socket stays open; only far larger
  // ones are cut by ws itself (1009), so a client cannot make us buffer without bound.
  const maxPayload = Math.max(2 * config.limits.maxFrameBytes, config.limits.maxFrameBytes + 1024 * 1024);
  const wss = acceptWebSockets(server as Server, facade, maxPayload, logger);
  const stopKeepalive = startKeepalive(wss, config.pingIntervalMs, config.pongTimeoutMs);

  let healthServer: ServerType | undefined;
  if (config.healthPort !== undefined) {
    const health = new Hono();
    health.get("/healthz", (c) => facade.app.fetch(c.req.raw));
    health.get("/readyz", (c) => facade.app.fetch(c.req.raw));
    healthServer = await listen(health, config.host, config.healthPort);
  }

  return {
    facade,
    port: (server.address() as AddressInfo).port,
    healthPort: healthServer ? (healthServer.address() as AddressInfo).port : undefined,
    authNote: auth.note,
    async shutdown() {
      await facade.drain(config.drainTimeoutMs);
      stopKeepalive();
      await closingHandshakes(wss, CLOSE_HANDSHAKE_GRACE_MS);
      for (const ws of wss.clients) ws.terminate();
      await Promise.all([close(server), healthServer ? close(healthServer) : Promise.resolve()]);
      for (const r of runtimes) r.runtime.close();
      await journal.close();
      await auth.close();
      await media.close();
    },
  };
}

// Sockets closed with 1001 get a moment to finish the closing handshake before being cut.
const CLOSE_HANDSHAKE_GRACE_MS = 2_000;

async function closingHandshakes(wss: WebSocketServer, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

function listen(app: Hono, hostname: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname, port }, () => resolve(server));
    // Behind an ingress or a load balancer, whose pools keep idle connections up to 60 s.
    if ("keepAliveTimeout" in server) outlastClientPools(server);
    server.once("error", reject);
  });
}

function close(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    if ("closeAllConnections" in server) server.closeAllConnections();
  });
}
