// The portable facade assembled for the edge: one agent, its runtime reached over gRPC-web, turns
// journaled in the shared Redis through Upstash REST (or, without it, in this isolate).
import { MemoryTurnJournal } from "../../shared/journal/memory-turn-journal.js";
import type { TurnJournal } from "../../shared/journal/turn-journal.js";
import { createFacade, type Facade } from "../core/facade-app.js";
import type { RuntimeClient } from "../core/runtime-port.js";
import { consoleLogger } from "./console-logger.js";
import type { EdgeConfig } from "./edge-config.js";

export interface EdgeParts {
  runtime: RuntimeClient;
  journal: TurnJournal;
}

// Without Upstash, sessions' journals live in the isolate: a resumed client reaches the same
// Durable Object (it is named by the session), so resume works within one placement.
let isolateJournal: MemoryTurnJournal | undefined;

export function isolateMemoryJournal(config: EdgeConfig): TurnJournal {
  isolateJournal ??= new MemoryTurnJournal({ ttlMs: config.ttlMs, leaseMs: config.leaseMs });
  return isolateJournal;
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
