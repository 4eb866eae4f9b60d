// The edge facade's runtime client and journal, from its configuration: gRPC-web to the runtime's
// bridge with the bridge token, and the shared Redis through Upstash REST when configured.
import { UpstashTurnJournal } from "../../shared/journal/upstash-turn-journal.js";
import { consoleLogger } from "./console-logger.js";
import type { EdgeConfig } from "./edge-config.js";
import { isolateMemoryJournal, type EdgeParts } from "./edge-facade.js";
import { GrpcWebRuntimeClient } from "./grpc-web-runtime-client.js";

export function edgeParts(config: EdgeConfig): EdgeParts {
  const runtime = new GrpcWebRuntimeClient({
    baseUrl: config.runtimeUrl,
    token: config.bridgeToken,
    logger: consoleLogger({ component: "facade", placement: "edge" }),
  });
  const journal = config.upstash
    ? new UpstashTurnJournal({ url: config.upstash.url, token: config.upstash.token, ttlMs: config.ttlMs, leaseMs: config.leaseMs })
    : isolateMemoryJournal(config);
  return { runtime, journal };
}
