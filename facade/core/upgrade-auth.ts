// Who is opening a socket or buying a ticket, through the shared auth core: the agent's
// Authenticator proves the credential, its IdentityLimiter counts the identity's connections.
// Refusals carry the headers PROTOCOL.md asks for (WWW-Authenticate on 401, Retry-After on 429
// and 503) and a message safe to show and log: the core never quotes a credential.
import { anonymous, isRefusal, type Authenticator, type Identity, type IdentityLimiter, type Refusal } from "../../shared/auth/index.js";
import { agentKey, type AgentBinding } from "./agent-binding.js";
import type { Logger } from "./logger.js";

/** An agent's authentication; an agent without it is open. */
export interface AgentAuth {
  authenticator: Authenticator;
  limiter: IdentityLimiter;
}

export interface Credentials {
  /** The Authorization header, as received. */
  authorization: string | undefined;
  /** The `ticket` query parameter. */
  ticket: string | undefined;
  clientAddress: string;
}

/** A socket's owner: who it is, its connection slot to give back, and the limiter of its messages. */
export interface SocketAuth {
  identity: Identity;
  release: () => void;
  limiter?: IdentityLimiter;
}

export type UpgradeAuth = ({ ok: true } & SocketAuth) | { ok: false; refusal: Refusal };

export async function authorizeUpgrade(agent: AgentBinding, credentials: Credentials, logger: Logger): Promise<UpgradeAuth> {
  if (!agent.auth) return { ok: true, identity: anonymous(), release: () => {} };
  const name = agentKey(agent.namespace, agent.name);
  const identity = await agent.auth.authenticator.authenticate(credentials, name);
  if (isRefusal(identity)) {
    logRefusal(logger, name, credentials.clientAddress, identity, "upgrade refused");
    return { ok: false, refusal: identity };
  }
  const slot = agent.auth.limiter.openConnection(identity.subject);
  if (!slot.ok) {
    const refusal: Refusal = { status: 429, code: "RATE_LIMITED", message: slot.message, retryAfterSeconds: slot.retryAfterSeconds };
    logRefusal(logger, name, credentials.clientAddress, refusal, "upgrade refused", identity.subject);
    return { ok: false, refusal };
  }
  return { ok: true, identity, release: slot.release, limiter: agent.auth.limiter };
}

/** The HTTP headers of a refusal. */
export function refusalHeaders(refusal: Refusal): Record<string, string> {
  const headers: Record<string, string> = {};
  if (refusal.wwwAuthenticate) headers["www-authenticate"] = refusal.wwwAuthenticate;
  if (refusal.retryAfterSeconds !== undefined) headers["retry-after"] = String(refusal.retryAfterSeconds);
  return headers;
}

export function logRefusal(logger: Logger, agent: string, clientAddress: string, refusal: Refusal, what: string, subject?: string): void {
  logger.warn(
    {
      agent,
      client_address: clientAddress,
      status: refusal.status,
      code: refusal.code,
      reason: refusal.message,
      ...(refusal.keyName !== undefined ? { key_name: refusal.keyName } : {}),
      ...(subject !== undefined ? { subject } : {}),
    },
    what,
  );
}
