// `POST /ws/ticket?agent=<name>[&namespace=]` with `Authorization: Bearer <API key | JWT>`:
// a one-use ticket for a browser's WebSocket upgrade (`?ticket=`), as `{ticket, expires_at}`.
// Refusals are the upgrade's: 401 with WWW-Authenticate, 429 or 503 with Retry-After.
import type { Context, Hono } from "hono";
import { agentKey, type AgentBinding } from "./agent-binding.js";
import type { Logger } from "./logger.js";
import { findAgent } from "./upgrade-admission.js";
import { logRefusal, refusalHeaders } from "./upgrade-auth.js";

export function addTicketRoute(app: Hono, agents: ReadonlyMap<string, AgentBinding>, clientAddress: (c: Context) => string, logger: Logger): void {
  app.post("/ws/ticket", async (c) => {
    const noStore = { "cache-control": "no-store" };
    const agent = findAgent(c.req.query("agent"), c.req.query("namespace"), agents);
    if (typeof agent === "string") return c.json(errorBody("INVALID_MESSAGE", agent), 400, noStore);
    const name = agentKey(agent.namespace, agent.name);
    if (!agent.auth) return c.json(errorBody("INVALID_MESSAGE", `agent "${name}" is open: connect without a ticket`), 400, noStore);
    const address = clientAddress(c);
    const issued = await agent.auth.authenticator.issueTicket({ authorization: c.req.header("authorization"), clientAddress: address }, name);
    if ("status" in issued) {
      logRefusal(logger, name, address, issued, "ticket refused");
      return c.json(errorBody(issued.code, issued.message), issued.status, { ...noStore, ...refusalHeaders(issued) });
    }
    return c.json(issued, 200, noStore);
  });
}

function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}
