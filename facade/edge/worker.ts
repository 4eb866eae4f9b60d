// The edge entry (wrangler.toml `main`): plain HTTP (health, readiness, agent list, chat page,
// POST /ws/ticket, the media API) is answered here; a WebSocket upgrade is admitted and
// authenticated here and handed, with the identity it proved, to the Durable Object of its
// session: the resumed one for `?resume=`, else a new one, whose id becomes the session's.
import type { Facade } from "../core/facade-app.js";
import { EdgeConfigError, parseEdgeConfig } from "./edge-config.js";
import { refusalHeaders } from "../core/upgrade-auth.js";
import { consoleLogger } from "./console-logger.js";
import { DurableObjectMediaAnnouncer } from "./durable-object-media-announcer.js";
import { createEdgeFacade } from "./edge-facade.js";
import { facadeMediaOf } from "./edge-media.js";
import { edgeAuth, edgeParts } from "./edge-parts.js";
import { forwardIdentity } from "./forwarded-identity.js";
import { INITIAL_SESSION_HEADER, SessionSocket } from "./session-socket.js";
import { upgradeRequest } from "./upgrade-request.js";
import type { DurableObjectNamespace } from "./workers-runtime.js";

export { SessionSocket };

interface Env extends Record<string, unknown> {
  SESSIONS: DurableObjectNamespace;
}

// One facade per isolate for the HTTP routes and admission; sockets live in the Durable Objects.
type Front = { facade: Facade } | { error: string };
let front: Promise<Front> | undefined;

function frontFor(env: Env): Promise<Front> {
  front ??= buildFront(env);
  return front;
}

async function buildFront(env: Env): Promise<Front> {
  try {
    const config = parseEdgeConfig(env);
    const parts = edgeParts(config);
    const announcer = new DurableObjectMediaAnnouncer(env.SESSIONS, consoleLogger({ component: "facade", placement: "edge", owner: "edge-front" }));
    return { facade: createEdgeFacade(config, parts, "edge-front", facadeMediaOf(parts.media, announcer), await edgeAuth(config)) };
  } catch (err) {
    if (!(err instanceof EdgeConfigError)) throw err;
    return { error: `omnia edge facade: configuration error: ${err.message}` };
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const current = await frontFor(env);
    if ("error" in current) {
      console.log(JSON.stringify({ level: "error", msg: current.error }));
      return new Response(`${current.error}\n`, { status: 500 });
    }
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return current.facade.app.fetch(request);
    const admission = current.facade.admit(upgradeRequest(request));
    if (!admission.ok) return new Response(`${admission.message}\n`, { status: admission.status });
    const url = new URL(request.url);
    const credentials = {
      authorization: request.headers.get("authorization") ?? undefined,
      ticket: url.searchParams.get("ticket") ?? undefined,
      clientAddress: request.headers.get("cf-connecting-ip") ?? "unknown",
    };
    const auth = await current.facade.authorize(admission, credentials);
    if (!auth.ok) return new Response(`${auth.refusal.message}\n`, { status: auth.refusal.status, headers: refusalHeaders(auth.refusal) });
    // The socket will live in a Durable Object, out of this isolate's count: connections per
    // identity are not limited at the edge (messages are, per isolate).
    auth.release();
    // The object gets who the client is, not how it proved it.
    url.searchParams.delete("ticket");
    // A resumed socket goes to its session's object (and gets a fresh session only if the resume
    // is refused); a new one names the object that will hold it after its first session.
    const headers = new Headers(request.headers);
    headers.delete("authorization");
    forwardIdentity(headers, auth.identity);
    let objectName = admission.resume?.sessionId;
    if (objectName === undefined) {
      objectName = crypto.randomUUID();
      headers.set(INITIAL_SESSION_HEADER, objectName);
    }
    const stub = env.SESSIONS.get(env.SESSIONS.idFromName(objectName));
    return stub.fetch(new Request(url.toString(), { method: request.method, headers }));
  },
};
