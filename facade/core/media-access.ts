// Who may use the media HTTP API for a session. An open agent: anyone with the (random) ids. An
// agent with auth: the caller proves who it is as on the socket (Authorization: Bearer <API key or
// JWT>), and the session must be its own: request-upload claims a session nobody owns yet, the
// other routes need it owned already. Another identity's session gets 404 and learns nothing
// (PROTOCOL.md "Auth"). The PUT of the local backend needs no credential: its upload id, random and
// single use, is the capability, as a presigned URL's signature is for a bucket.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { isRefusal } from "../../shared/auth/index.js";
import { agentKey, type AgentBinding } from "./agent-binding.js";
import type { Logger } from "./logger.js";
import type { SessionOwners } from "./session-owners.js";
import { findAgent } from "./upgrade-admission.js";
import { logRefusal, refusalHeaders } from "./upgrade-auth.js";

export interface MediaAccessDeps {
  agents: ReadonlyMap<string, AgentBinding>;
  owners: SessionOwners;
  clientAddress: (c: Context) => string;
  logger: Logger;
}

/** null: the caller may go on; else the refusal to answer with. */
export type MediaAccess = (c: Context, sessionId: string | undefined, how: "claim" | "check") => Promise<Response | null>;

const NO_STORE = { "cache-control": "no-store" };

export function mediaAccess(deps: MediaAccessDeps): MediaAccess {
  const anyAuth = [...deps.agents.values()].some((a) => a.auth !== undefined);
  return async (c, sessionId, how) => {
    if (!anyAuth) return null;
    const agent = findAgent(c.req.query("agent"), c.req.query("namespace"), deps.agents);
    if (typeof agent === "string") return refuse(c, 400, "INVALID_MESSAGE", agent);
    if (!agent.auth) return null;
    const name = agentKey(agent.namespace, agent.name);
    const address = deps.clientAddress(c);
    const identity = await agent.auth.authenticator.authenticate({ authorization: c.req.header("authorization"), clientAddress: address }, name);
    if (isRefusal(identity)) {
      logRefusal(deps.logger, name, address, identity, "media request refused");
      return c.json({ error: { code: identity.code, message: identity.message } }, identity.status, { ...NO_STORE, ...refusalHeaders(identity) });
    }
    if (sessionId === undefined) return refuse(c, 400, "INVALID_MESSAGE", `agent "${name}" needs auth: name the session (session_id) the media belongs to`);
    try {
      const owned = how === "claim" ? await deps.owners.claim(sessionId, identity.subject) : await deps.owners.owns(sessionId, identity.subject);
      return owned ? null : refuse(c, 404, "UNAUTHORIZED", `session "${sessionId}" does not exist or belongs to another identity`);
    } catch (err) {
      deps.logger.warn({ session_id: sessionId, err: err instanceof Error ? err.message : String(err) }, "session owner lookup failed");
      return refuse(c, 503, "AGENT_UNAVAILABLE", "the session store could not be asked who owns this session; try again");
    }
  };
}

function refuse(c: Context, status: ContentfulStatusCode, code: string, message: string): Response {
  return c.json({ error: { code, message } }, status, NO_STORE);
}
