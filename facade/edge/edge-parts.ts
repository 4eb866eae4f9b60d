// The edge facade's runtime client and journal, from its configuration: gRPC-web to the runtime's
// bridge with the bridge token, and the shared Redis through Upstash REST when configured.
// An isolate serves one Worker, so one configuration.
import { MemoryTurnJournal } from "../../shared/journal/memory-turn-journal.js";
import { UpstashTurnJournal } from "../../shared/journal/upstash-turn-journal.js";
import { consoleLogger } from "./console-logger.js";
import type { EdgeConfig } from "./edge-config.js";
import type { EdgeParts } from "./edge-facade.js";
import { GrpcWebRuntimeClient } from "./grpc-web-runtime-client.js";

// One runtime client and one journal per isolate: the Worker's front and every Durable Object in
// the isolate share them (they hold no per-session state), rather than building them per object.
let shared: EdgeParts | undefined;

export function edgeParts(config: EdgeConfig): EdgeParts {
  shared ??= buildParts(config);
  return shared;
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
  return { runtime, journal };
}
