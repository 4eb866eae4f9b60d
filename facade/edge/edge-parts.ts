// The edge facade's runtime client, journal and auth pieces, from its configuration: gRPC-web to
// the runtime's bridge with the bridge token, and the shared Redis through Upstash REST when
// configured (turns, browser tickets, session owners), so a ticket bought from a pod redeems here.
// An isolate serves one Worker, so one configuration.
import { Authenticator, IdentityLimiter, UpstashTicketStore } from "../../shared/auth/index.js";
import { MemoryTurnJournal } from "../../shared/journal/memory-turn-journal.js";
import { UpstashTurnJournal } from "../../shared/journal/upstash-turn-journal.js";
import { MemorySessionOwners, TICKET_KEY_PREFIX } from "../core/session-owners.js";
import type { AgentAuth } from "../core/upgrade-auth.js";
import { consoleLogger } from "./console-logger.js";
import type { EdgeConfig } from "./edge-config.js";
import type { EdgeParts } from "./edge-facade.js";
import { edgeMedia } from "./edge-media.js";
import { GrpcWebRuntimeClient } from "./grpc-web-runtime-client.js";
import { UpstashSessionOwners } from "./upstash-session-owners.js";

// One set per isolate: the Worker's front and every Durable Object in the isolate share them
// (they hold no per-session state), rather than building them per object.
let shared: EdgeParts | undefined;
let sharedAuth: Promise<AgentAuth | undefined> | undefined;

export function edgeParts(config: EdgeConfig): EdgeParts {
  shared ??= buildParts(config);
  return shared;
}

/** The agent's Authenticator (for the Worker's front, which checks every upgrade); undefined when open. */
export function edgeAuth(config: EdgeConfig): Promise<AgentAuth | undefined> {
  sharedAuth ??= buildAuth(config, edgeParts(config));
  return sharedAuth;
}

function buildParts(config: EdgeConfig): EdgeParts {
  const runtime = new GrpcWebRuntimeClient({
    baseUrl: config.runtimeUrl,
    token: config.bridgeToken,
    logger: consoleLogger({ component: "facade", placement: "edge" }),
  });
  const journal = config.upstash
    ? new UpstashTurnJournal({ url: config.upstash.url, token: config.upstash.token, ttlMs: config.ttlMs, leaseMs: config.leaseMs })
    : // Without Upstash, the isolate keeps the journals: a resumed client reaches the same Durable
      // Object (it is named by the session), so resume works within this placement.
      new MemoryTurnJournal({ ttlMs: config.ttlMs, leaseMs: config.leaseMs });
  const owners = config.upstash ? new UpstashSessionOwners(config.upstash, config.ttlMs) : new MemorySessionOwners(config.ttlMs);
  // Messages per identity, counted per isolate (connections are not: sockets live in Durable Objects).
  const limiter = config.auth.settings.mode === "required" ? new IdentityLimiter(config.auth.settings.limits) : undefined;
  return { runtime, journal, owners, limiter, media: edgeMedia(config.media, config.upstash) };
}

async function buildAuth(config: EdgeConfig, parts: EdgeParts): Promise<AgentAuth | undefined> {
  const { settings, clientKeys } = config.auth;
  if (settings.mode !== "required" || !parts.limiter) return undefined;
  const authenticator = await Authenticator.create({
    settings,
    ...(clientKeys ? { clientKeys } : {}),
    ...(config.upstash ? { ticketStore: new UpstashTicketStore(config.upstash) } : {}),
    ticketKeyPrefix: TICKET_KEY_PREFIX,
  });
  return { authenticator, limiter: parts.limiter };
}
