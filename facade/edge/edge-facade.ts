// The portable facade assembled for the edge: one agent, its runtime reached over gRPC-web, turns
// journaled in the shared Redis through Upstash REST (or, without it, in this isolate).
import type { TurnJournal } from "../../shared/journal/turn-journal.js";
import { createFacade, type Facade } from "../core/facade-app.js";
import type { RuntimeClient } from "../core/runtime-port.js";
import { consoleLogger } from "./console-logger.js";
import type { EdgeConfig } from "./edge-config.js";

export interface EdgeParts {
  runtime: RuntimeClient;
  journal: TurnJournal;
}

export function createEdgeFacade(config: EdgeConfig, parts: EdgeParts, owner: string): Facade {
  return createFacade({
    agents: [{ name: config.agent.name, namespace: config.agent.namespace, runtime: parts.runtime }],
    limits: config.limits,
    allowedOrigins: config.allowedOrigins,
    logger: consoleLogger({ component: "facade", placement: "edge", owner }),
    journal: parts.journal,
    owner,
  });
}
