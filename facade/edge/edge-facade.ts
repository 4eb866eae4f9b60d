// The portable facade assembled for the edge: one agent, its runtime reached over gRPC-web, turns
// journaled in the shared Redis through Upstash REST (or, without it, in this isolate).
import type { IdentityLimiter } from "../../shared/auth/index.js";
import type { TurnJournal } from "../../shared/journal/turn-journal.js";
import { createFacade, type Facade } from "../core/facade-app.js";
import type { FacadeMediaSetting } from "../core/facade-media.js";
import type { RuntimeClient } from "../core/runtime-port.js";
import type { SessionOwners } from "../core/session-owners.js";
import type { AgentAuth } from "../core/upgrade-auth.js";
import { consoleLogger } from "./console-logger.js";
import type { EdgeConfig } from "./edge-config.js";
import type { EdgeMedia } from "./edge-media.js";

export interface EdgeParts {
  runtime: RuntimeClient;
  journal: TurnJournal;
  owners: SessionOwners;
  /** Messages per identity; undefined when the agent is open. */
  limiter: IdentityLimiter | undefined;
  /** The isolate's upload flow, or why media is off here (edge-media.ts). */
  media: EdgeMedia;
}

/**
 * `auth`: the Worker's front checks credentials with it; a Durable Object gets the identity the
 * front proved. `media`: this facade's own (facadeMediaOf), never another's.
 */
export function createEdgeFacade(config: EdgeConfig, parts: EdgeParts, owner: string, media: FacadeMediaSetting, auth?: AgentAuth): Facade {
  return createFacade({
    agents: [{ name: config.agent.name, namespace: config.agent.namespace, runtime: parts.runtime, ...(auth ? { auth } : {}) }],
    limits: config.limits,
    allowedOrigins: config.allowedOrigins,
    logger: consoleLogger({ component: "facade", placement: "edge", owner }),
    journal: parts.journal,
    owner,
    sessionOwners: parts.owners,
    media,
    clientAddress: (c) => c.req.header("cf-connecting-ip") ?? "unknown",
  });
}
