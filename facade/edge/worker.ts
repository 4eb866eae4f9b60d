// The edge entry (wrangler.toml `main`): plain HTTP (health, readiness, agent list, chat page)
// is answered here; a WebSocket upgrade is admitted here and handed to the Durable Object of its
// session: the resumed one for `?resume=`, else a new one, whose id becomes the session's.
import type { Facade } from "../core/facade-app.js";
import { EdgeConfigError, parseEdgeConfig } from "./edge-config.js";
import { createEdgeFacade } from "./edge-facade.js";
import { edgeParts } from "./edge-parts.js";
import { INITIAL_SESSION_HEADER, SessionSocket } from "./session-socket.js";
import { upgradeRequest } from "./upgrade-request.js";
import type { DurableObjectNamespace } from "./workers-runtime.js";

export { SessionSocket };

interface Env extends Record<string, unknown> {
  SESSIONS: DurableObjectNamespace;
}

// One facade per isolate for the HTTP routes and admission; sockets live in the Durable Objects.
let front: { facade: Facade } | { error: string } | undefined;

function frontFor(env: Env): { facade: Facade } | { error: string } {
  if (!front) {
    try {
      const config = parseEdgeConfig(env);
      front = { facade: createEdgeFacade(config, edgeParts(config), "edge-front") };
    } catch (err) {
      if (!(err instanceof EdgeConfigError)) throw err;
      front = { error: `omnia edge facade: configuration error: ${err.message}` };
    }
  }
  return front;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const current = frontFor(env);
    if ("error" in current) {
      console.log(JSON.stringify({ level: "error", msg: current.error }));
      return new Response(`${current.error}\n`, { status: 500 });
    }
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return current.facade.app.fetch(request);
    const admission = current.facade.admit(upgradeRequest(request));
    if (!admission.ok) return new Response(`${admission.message}\n`, { status: admission.status });
    // A resumed socket goes to its session's object (and gets a fresh session only if the resume
    // is refused); a new one names the object that will hold it after its first session.
    const headers = new Headers(request.headers);
    let objectName = admission.resume?.sessionId;
    if (objectName === undefined) {
      objectName = crypto.randomUUID();
      headers.set(INITIAL_SESSION_HEADER, objectName);
    }
    const stub = env.SESSIONS.get(env.SESSIONS.idFromName(objectName));
    return stub.fetch(new Request(request, { headers }));
  },
};
