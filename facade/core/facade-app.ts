// The portable facade: the client WebSocket protocol, health endpoints, the agent list and the
// chat page. Placements hand in runtime clients and a logger, accept sockets themselves, and pass
// them to `admit` and `connect`; nothing here imports node:* or a Node-only package.
import { Hono, type Context } from "hono";
import { anonymous, type Identity } from "../../shared/auth/index.js";
import { agentKey, type AgentBinding } from "./agent-binding.js";
import { CHAT_PAGE_HTML } from "./chat-page.js";
import { OMNIA_CLIENT_JS } from "./gen/omnia-client-bundle.js";
import { MemoryTurnJournal } from "../../shared/journal/memory-turn-journal.js";
import type { TurnJournal } from "../../shared/journal/turn-journal.js";
import { FacadeConnection } from "./connection.js";
import { ConnectionRegistry } from "./connection-registry.js";
import type { FacadeMediaSetting } from "./facade-media.js";
import type { FacadeLimits } from "./facade-options.js";
import type { Logger } from "./logger.js";
import { addMediaRoutes } from "./media-routes.js";
import type { AllowedOrigins } from "./origin-policy.js";
import type { ProtocolSocket } from "./protocol-socket.js";
import { MemorySessionOwners, type SessionOwners } from "./session-owners.js";
import { addTicketRoute } from "./ticket-route.js";
import { admitUpgrade, type Admission, type UpgradeRequest } from "./upgrade-admission.js";
import { authorizeUpgrade, type Credentials, type SocketAuth, type UpgradeAuth } from "./upgrade-auth.js";

export interface FacadeDeps {
  agents: AgentBinding[];
  limits: FacadeLimits;
  allowedOrigins: AllowedOrigins;
  logger: Logger;
  /** Where turns are journaled for resume; default: in this process. */
  journal?: TurnJournal;
  /** False when the journal keeps no frames (resume refused). */
  resumable?: boolean;
  /** This facade's name as a turn owner (unique among replicas); default: a random id. */
  owner?: string;
  /** Who made each session; default: in this process. Consulted only for agents with auth. */
  sessionOwners?: SessionOwners;
  /** The address an HTTP request (POST /ws/ticket) came from, for the failed-attempt limit. */
  clientAddress?: (c: Context) => string;
  newId?: () => string;
  /** Media uploads (socket and /media/* API); absent or disabled: refused with MEDIA_NOT_ENABLED. */
  media?: FacadeMediaSetting;
}

/** One accepted socket, as the placement feeds it. */
export interface ClientConnection {
  receive(data: string | ArrayBuffer | Uint8Array): void;
  closed(): void;
  /** The session the socket is on now (a placement that hibernates sockets keeps it to restore them). */
  readonly sessionId: string;
}

export interface ConnectOptions {
  /** The session id a new socket gets (default: a fresh one). */
  sessionId?: string;
  /** A socket accepted before (the edge woke from hibernation): no `connected` again. */
  restored?: boolean;
  /** Who the socket belongs to (authorize's answer); default: anonymous, for an open agent. */
  auth?: SocketAuth;
}

export interface Facade {
  /** HTTP routes: /healthz, /readyz, /api/agents, the chat page. */
  app: Hono;
  admit(request: UpgradeRequest): Admission;
  /** Who is asking, for an admitted upgrade: an open agent lets anyone in; refusals say how to answer. */
  authorize(admission: Extract<Admission, { ok: true }>, credentials: Credentials): Promise<UpgradeAuth>;
  /** Starts the protocol on an accepted socket (sends `connected` at once, unless restored). */
  connect(admission: Extract<Admission, { ok: true }>, socket: ProtocolSocket, options?: ConnectOptions): ClientConnection;
  /** Stop taking connections and close the open ones once their turns end (SIGTERM). */
  drain(timeoutMs: number): Promise<void>;
  readonly connectionCount: number;
  readonly draining: boolean;
}

const RUNTIME_HEALTH_TIMEOUT_MS = 2_000;
const DEFAULT_JOURNAL_TTL_MS = 24 * 3_600_000;
const DEFAULT_LEASE_MS = 10_000;

export function createFacade(deps: FacadeDeps): Facade {
  const app = new Hono();
  const registry = new ConnectionRegistry();
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const journal = deps.journal ?? new MemoryTurnJournal({ ttlMs: DEFAULT_JOURNAL_TTL_MS, leaseMs: DEFAULT_LEASE_MS });
  const owner = deps.owner ?? `facade-${newId()}`;
  const agents = new Map(deps.agents.map((a) => [agentKey(a.namespace, a.name), a]));
  const sessionOwners = deps.sessionOwners ?? new MemorySessionOwners(DEFAULT_JOURNAL_TTL_MS);

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    if (registry.draining) return c.json({ status: "draining" }, 503);
    const checks = await Promise.all(deps.agents.map((a) => runtimeReady(a)));
    if (checks.some((r) => !r.ready)) return c.json({ status: "not ready", agents: checks }, 503);
    return c.json({ status: "ready", agents: checks });
  });
  app.get("/api/agents", (c) => c.json({ agents: deps.agents.map((a) => ({ name: a.name, namespace: a.namespace, auth: a.auth ? "required" : "none" })) }));
  addTicketRoute(app, agents, deps.clientAddress ?? (() => "unknown"), deps.logger);
  addMediaRoutes(app, deps.media, { allowedOrigins: deps.allowedOrigins, logger: deps.logger, agents, owners: sessionOwners, clientAddress: deps.clientAddress ?? (() => "unknown") });
  app.get("/", (c) => c.html(CHAT_PAGE_HTML));
  app.get("/omnia-client.js", (c) => c.body(OMNIA_CLIENT_JS, 200, { "content-type": "text/javascript; charset=utf-8" }));
  const notUpgraded = (c: { text: (t: string, s: 426) => Response }) => c.text("expected a WebSocket upgrade\n", 426);
  app.get("/ws", notUpgraded);
  app.get("/api/agents/:namespace/:name/ws", notUpgraded);

  const onIdle = (conn: FacadeConnection) => registry.idle(conn);

  return {
    app,
    admit: (request) =>
      admitUpgrade(request, {
        draining: registry.draining,
        connections: registry.size,
        maxConnections: deps.limits.maxConnections,
        allowedOrigins: deps.allowedOrigins,
        agents,
      }),
    authorize: (admission, credentials) => authorizeUpgrade(admission.agent, credentials, deps.logger),
    connect(admission, socket, options = {}) {
      const identity: Identity = options.auth?.identity ?? anonymous();
      const connection = new FacadeConnection({
        agent: admission.agent,
        limits: deps.limits,
        journal,
        resumable: deps.resumable ?? true,
        owner,
        logger: deps.logger,
        newId,
        workspace: admission.workspace,
        onIdle,
        identity,
        ...(deps.media ? { media: deps.media } : {}),
        // An identity that proved itself owns its sessions; anonymous ones (open agents) share them.
        ...(identity.method !== "none" ? { owners: sessionOwners } : {}),
        ...(options.auth?.limiter ? { limiter: options.auth.limiter } : {}),
        ...(options.auth ? { release: options.auth.release } : {}),
        ...(options.sessionId !== undefined ? { sessionId: options.sessionId } : {}),
      });
      registry.add(connection);
      if (options.restored) connection.restore(socket);
      else connection.open(socket, admission.resume);
      return connection;
    },
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
