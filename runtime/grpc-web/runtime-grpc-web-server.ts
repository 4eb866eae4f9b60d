// The runtime's second listener, for edge facades (Workers cannot speak HTTP/2 gRPC): the same
// omnia.runtime.v1.RuntimeService over HTTP/1.1 with @connectrpc/connect-node, as gRPC-web (and
// Connect, handy with curl). Converse (bidirectional) cannot run here (converse-refusal.ts);
// ConverseTurn and SendTurnInput carry a turn instead. Every call presents the bridge token as a
// bearer token.
import { createServer, type Server } from "node:http";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Logger } from "pino";
import { RuntimeService } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import { outlastClientPools } from "../../shared/net/keep-alive.js";
import type { TurnJournal } from "../../shared/journal/turn-journal.js";
import type { SessionStore } from "../../shared/session/session-store.js";
import type { ConversationEngine } from "../engine/conversation-engine.js";
import { callIdentity } from "../grpc/call-identity.js";
import { asInvocationFailure, invoke } from "../grpc/invocation.js";
import { conversationState, healthResponse, type RuntimeStatus } from "../grpc/unary-handlers.js";
import type { BridgeToken } from "./bridge-token.js";
import { isGrpcWebConverse, refuseConverse } from "./converse-refusal.js";
import { converseTurnHandlers } from "./converse-turn-handlers.js";

export interface RuntimeGrpcWebServerOptions {
  engine: ConversationEngine;
  store: SessionStore;
  status: RuntimeStatus;
  logger: Logger;
  journal?: TurnJournal | undefined;
  owner: string;
  /** Callers must present it; undefined only on a loopback host (the port runs open). */
  token: BridgeToken | undefined;
  heartbeatMs: number;
}

// As on the grpc-js port: inline media parts can be large.
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export class RuntimeGrpcWebServer {
  private readonly server: Server;

  constructor(private readonly options: RuntimeGrpcWebServerOptions) {
    const handler = connectNodeAdapter({
      routes: (router) => this.routes(router),
      // gRPC proper needs HTTP/2, which this HTTP/1.1 listener does not speak.
      grpc: false,
      readMaxBytes: MAX_MESSAGE_BYTES,
      writeMaxBytes: MAX_MESSAGE_BYTES,
      // Runs on the headers alone, before the body is read.
      requestGate: (context) => {
        const refusal = this.refusal(context.requestHeader.get("authorization"), context.method.name);
        if (refusal) throw refusal;
      },
    });
    this.server = createServer((request, response) => {
      if (!isGrpcWebConverse(request)) return void handler(request, response);
      refuseConverse(response, this.refusal(request.headers.authorization ?? null, "Converse"));
    });
    outlastClientPools(this.server);
  }

  /** Unauthenticated, unless the call presents the bridge token (or the port runs open). */
  private refusal(authorization: string | null, method: string): ConnectError | undefined {
    const { token, logger } = this.options;
    if (!token || token.admits(authorization)) return undefined;
    logger.warn({ method }, "refused a gRPC-web call: missing or wrong bearer token");
    return new ConnectError("a valid bearer token is required (Authorization: Bearer <the AgentRuntime's bridge token>)", Code.Unauthenticated);
  }

  private routes(router: ConnectRouter): void {
    const { engine, store, status, logger } = this.options;
    router.service(RuntimeService, {
      health: () => healthResponse(status),
      hasConversation: (request) => conversationState(store, logger, request.sessionId),
      invoke: async (request, context) => {
        try {
          return await invoke(engine, logger, request, callIdentity(context.requestHeader, this.options.token !== undefined), context.signal);
        } catch (err) {
          const failure = asInvocationFailure(err);
          throw new ConnectError(failure.details, failure.code);
        }
      },
      ...converseTurnHandlers({ ...this.options, trustIdentityHeaders: this.options.token !== undefined }),
    });
  }

  /** Binds host:port (0 picks a free port) and resolves with the bound port. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const failed = (err: Error) => reject(new Error(`cannot listen on ${host}:${port} (gRPC-web): ${err.message}`));
      this.server.once("error", failed);
      this.server.listen(port, host, () => {
        this.server.off("error", failed);
        const address = this.server.address();
        resolve(typeof address === "object" && address !== null ? address.port : port);
      });
    });
  }

  /** Stops accepting calls, lets streams in flight finish for up to graceMs, then cuts the rest. */
  shutdown(graceMs: number): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.options.logger.warn({ grace_ms: graceMs }, "gRPC-web calls still in flight after the grace period; cutting them");
        this.server.closeAllConnections();
      }, graceMs);
      this.server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      this.server.closeIdleConnections();
    });
  }
}
