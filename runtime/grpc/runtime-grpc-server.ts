// The runtime's gRPC server (omnia.runtime.v1.RuntimeService) on grpc-js.
import { Server, ServerCredentials } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { runtimeServiceDefinition } from "../../shared/rpc/runtime-service.js";
import type { TurnJournal } from "../../shared/journal/turn-journal.js";
import type { SessionStore } from "../../shared/session/session-store.js";
import type { ConversationEngine } from "../engine/conversation-engine.js";
import { converseHandler } from "./converse-handler.js";
import { invokeHandler } from "./invoke-handler.js";
import { serializeServerMessage } from "./server-message-codec.js";
import { healthHandler, hasConversationHandler, type RuntimeStatus } from "./unary-handlers.js";

export interface RuntimeGrpcServerOptions {
  engine: ConversationEngine;
  store: SessionStore;
  status: RuntimeStatus;
  logger: Logger;
  /** The facades' turn journal, when shared through Redis. */
  journal?: TurnJournal | undefined;
  /** This runtime as a turn owner in the journal. */
  owner?: string;
}

// Matches what the facade's client sends and accepts: inline media parts can be large.
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

// The shared definition with the runtime's own encoder for what it streams most (see server-message-codec.ts).
const serviceDefinition = {
  ...runtimeServiceDefinition,
  converse: { ...runtimeServiceDefinition.converse, responseSerialize: serializeServerMessage },
};

export class RuntimeGrpcServer {
  private readonly server = new Server({
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    // Nothing reads channelz here (no channelz service is registered), and with it on grpc-js counts
    // every call and stamps every message sent and received with Date.now().
    "grpc.enable_channelz": 0,
  });

  constructor(private readonly options: RuntimeGrpcServerOptions) {
    const { engine, store, status, logger, journal } = options;
    const owner = options.owner ?? `runtime-${crypto.randomUUID()}`;
    this.server.addService(serviceDefinition, {
      converse: converseHandler({ engine, logger, journal, owner }),
      invoke: invokeHandler(engine, logger),
      health: healthHandler(status),
      hasConversation: hasConversationHandler(store, logger),
    });
  }

  /** Binds host:port (0 picks a free port) and resolves with the bound port. */
  listen(host: string, port: number): Promise<number> {
    // IPv6 literals need brackets in a gRPC target.
    const address = host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`;
    return new Promise((resolve, reject) => {
      this.server.bindAsync(address, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(new Error(`cannot listen on ${address}: ${err.message}`)) : resolve(bound)));
    });
  }

  /** Stops accepting calls, lets calls in flight finish for up to graceMs, then cancels the rest. */
  shutdown(graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.options.logger.warn({ grace_ms: graceMs }, "calls still in flight after the grace period; cancelling them");
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
