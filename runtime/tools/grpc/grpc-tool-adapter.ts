// `grpc` handlers: the omnia.tools.v1 ToolService over gRPC (HTTP/2, plaintext or TLS), one
// connection per endpoint kept for the runtime's life. is_error answers and failed calls are tool
// errors; the handler's retryPolicy retries the status codes it names.
import { readFileSync } from "node:fs";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import type { GrpcConfig } from "../../../shared/manifests/tool-registry.js";
import { ToolService } from "../../../shared/gen/omnia/tools/v1/tools_pb.js";
import type { ToolAdapter, ToolContext, ToolInvocation, ToolOutcome } from "../tool-adapter.js";
import { pause, retrySchedule } from "../retry-schedule.js";

// The reference's default retryable codes when a policy names none.
const DEFAULT_RETRYABLE = ["UNAVAILABLE", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED"];

interface Channel {
  client: Client<typeof ToolService>;
  session: Http2SessionManager;
}

export class GrpcToolAdapter implements ToolAdapter {
  private readonly channels = new Map<string, Channel>();

  async execute(call: ToolInvocation, ctx: ToolContext): Promise<ToolOutcome> {
    const config = call.handler.grpcConfig;
    if (!config) return { ok: false, error: `handler "${call.handler.name}" has no grpcConfig` };
    const { client } = this.channel(config);
    const schedule = retrySchedule(config.retryPolicy);
    const retryable = new Set(config.retryPolicy?.retryableStatusCodes ?? DEFAULT_RETRYABLE);
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await client.execute(
          { toolName: call.name, argumentsJson: call.argumentsJson, metadata: { session_id: ctx.sessionId, call_id: call.id } },
          { signal: ctx.signal },
        );
        if (response.isError) return { ok: false, error: response.errorMessage || "the tool server reported an error without a message" };
        return { ok: true, resultJson: response.resultJson.trim() === "" ? "null" : response.resultJson };
      } catch (err) {
        const failure = ConnectError.from(err);
        const codeName = grpcCodeName(failure.code);
        if (ctx.signal.aborted || attempt >= schedule.maxAttempts || !retryable.has(codeName)) {
          return { ok: false, error: `gRPC ${codeName}${attempt > 1 ? ` after ${attempt} attempts` : ""}: ${failure.rawMessage}` };
        }
        await pause(schedule.backoffMs(attempt), ctx.signal);
      }
    }
  }

  async close(): Promise<void> {
    for (const channel of this.channels.values()) channel.session.abort();
    this.channels.clear();
  }

  private channel(config: GrpcConfig): Channel {
    // Handlers share a connection only when they reach the same endpoint the same way.
    const key = JSON.stringify([config.endpoint, config.tls, config.tlsCAPath, config.tlsCertPath, config.tlsKeyPath, config.tlsInsecureSkipVerify]);
    let channel = this.channels.get(key);
    if (!channel) {
      const baseUrl = `${config.tls ? "https" : "http"}://${config.endpoint}`;
      const nodeOptions = config.tls ? tlsOptions(config) : {};
      const session = new Http2SessionManager(baseUrl, {}, nodeOptions);
      channel = { session, client: createClient(ToolService, createGrpcTransport({ baseUrl, sessionManager: session })) };
      this.channels.set(key, channel);
    }
    return channel;
  }
}

function tlsOptions(config: GrpcConfig) {
  return {
    ...(config.tlsCAPath ? { ca: readFileSync(config.tlsCAPath) } : {}),
    ...(config.tlsCertPath ? { cert: readFileSync(config.tlsCertPath) } : {}),
    ...(config.tlsKeyPath ? { key: readFileSync(config.tlsKeyPath) } : {}),
    rejectUnauthorized: !config.tlsInsecureSkipVerify,
  };
}

/** The gRPC status name (UNAVAILABLE, …) the way retryableStatusCodes spells it. */
function grpcCodeName(code: Code): string {
  return (Code[code] ?? "UNKNOWN").replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}
