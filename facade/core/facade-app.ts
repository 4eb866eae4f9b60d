// The portable facade: a Hono app serving the client WebSocket protocol, health endpoints, the
// agent list and the chat page. Placements hand in what differs (the WebSocket upgrade helper,
// runtime clients, logger); nothing here imports node:* or a Node-only package.
import { Hono, type Context } from "hono";
import type { UpgradeWebSocket, WSEvents } from "hono/ws";
import { agentKey, type AgentBinding } from "./agent-binding.js";
import { CHAT_PAGE_HTML } from "./chat-page.js";
import { FacadeConnection } from "./connection.js";
import { ConnectionRegistry } from "./connection-registry.js";
import type { FacadeLimits } from "./facade-options.js";
import type { Logger } from "./logger.js";
import { originAllowed, type AllowedOrigins } from "./origin-policy.js";
import { SessionSequences } from "./session-sequences.js";

export interface FacadeDeps<T> {
  agents: AgentBinding[];
  upgradeWebSocket: UpgradeWebSocket<T>;
  limits: FacadeLimits;
  allowedOrigins: AllowedOrigins;
  logger: Logger;
  newId?: () => string;
}

export interface Facade {
  app: Hono;
  /** Stop taking connections and close the open ones once their turns end (SIGTERM). */
  drain(timeoutMs: number): Promise<void>;
  readonly connectionCount: number;
  readonly draining: boolean;
}

const RUNTIME_HEALTH_TIMEOUT_MS = 2_000;

export function createFacade<T>(deps: FacadeDeps<T>): Facade {
  const app = new Hono();
  const registry = new ConnectionRegistry();
  const sequences = new SessionSequences();
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const byKey = new Map(deps.agents.map((a) => [agentKey(a.namespace, a.name), a]));

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    if (registry.draining) return c.json({ status: "draining" }, 503);
    const checks = await Promise.all(deps.agents.map((a) => runtimeReady(a)));
    const notReady = checks.filter((r) => !r.ready);
    if (notReady.length > 0) return c.json({ status: "not ready", agents: checks }, 503);
    return c.json({ status: "ready", agents: checks });
  });
  app.get("/api/agents", (c) => c.json({ agents: deps.agents.map((a) => ({ name: a.name, namespace: a.namespace })) }));
  app.get("/", (c) => c.html(CHAT_PAGE_HTML));

  const refuseOrPick = (c: Context, namespace: string | undefined, name: string | undefined): Response | AgentBinding => {
    if (registry.draining) return c.text("server is shutting down\n", 503);
    if (registry.size >= deps.limits.maxConnections) return c.text("connection limit reached\n", 503);
    if (!originAllowed(c.req.header("origin"), c.req.header("host"), deps.allowedOrigins)) {
      return c.text("origin not allowed\n", 403);
    }
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") return c.text("expected a WebSocket upgrade\n", 400);
    if (name === undefined) {
      if (deps.agents.length === 1 && deps.agents[0]) return deps.agents[0];
      return c.text("query parameter \"agent\" is required: this facade serves several agents\n", 400);
    }
    const agent = byKey.get(agentKey(namespace ?? "default", name));
    return agent ?? c.text(`unknown agent "${namespace ?? "default"}/${name}"\n`, 400);
  };

  const socketEvents = (c: Context, agent: AgentBinding): WSEvents<T> => {
    const connection = new FacadeConnection({
      agent,
      limits: deps.limits,
      sequences,
      logger: deps.logger,
      newId,
      ...(c.req.query("workspace") ? { workspace: c.req.query("workspace") } : {}),
      onIdle: (conn) => registry.idle(conn),
    });
    registry.add(connection);
    return {
      onOpen: (_evt, ws) => connection.open({ send: (text) => ws.send(text), close: (code, reason) => ws.close(code, reason) }),
      onMessage: (evt) => {
        const data = evt.data;
        connection.receive(typeof data === "string" ? data : data instanceof ArrayBuffer ? data : new ArrayBuffer(0));
      },
      onClose: () => connection.socketClosed(),
      onError: () => connection.socketClosed(),
    };
  };

  const upgrade = (pick: (c: Context) => { namespace: string | undefined; name: string | undefined }) =>
    async (c: Context) => {
      const { namespace, name } = pick(c);
      const chosen = refuseOrPick(c, namespace, name);
      if (chosen instanceof Response) return chosen;
      const handler = deps.upgradeWebSocket((ctx) => socketEvents(ctx, chosen));
      const response = await handler(c, async () => {});
      return response ?? c.text("WebSocket upgrade failed\n", 400);
    };

  app.get("/ws", upgrade((c) => ({ namespace: c.req.query("namespace"), name: c.req.query("agent") })));
  app.get("/api/agents/:namespace/:name/ws", upgrade((c) => ({ namespace: c.req.param("namespace"), name: c.req.param("name") })));

  return {
    app,
    drain: (timeoutMs) => registry.drain(timeoutMs),
    get connectionCount() {
      return registry.size;
    },
    get draining() {
      return registry.draining;
    },
  };
}

async function runtimeReady(agent: AgentBinding): Promise<{ agent: string; ready: boolean; status: string }> {
  const name = agentKey(agent.namespace, agent.name);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<{ healthy: boolean; status: string }>((resolve) => {
    timer = setTimeout(() => resolve({ healthy: false, status: "runtime health check timed out" }), RUNTIME_HEALTH_TIMEOUT_MS);
  });
  const health = await Promise.race([agent.runtime.health().catch((e: unknown) => ({ healthy: false, status: String(e) })), timeout]);
  clearTimeout(timer);
  return { agent: name, ready: health.healthy, status: health.status };
}
