// An omnia.tools.v1 ToolService over HTTP/2 (plaintext or TLS) on loopback. Tools: `add` sums a and b;
// `fail` answers is_error; `slow` waits `ms`; `unavailable` fails with UNAVAILABLE until its quota
// of refusals (`refuse(n)`) is spent, then answers {"recovered":true}.
import { createSecureServer, createServer } from "node:http2";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { ToolService } from "../../../shared/gen/omnia/tools/v1/tools_pb.js";
import { freePort } from "../free-port.js";

export interface GrpcToolService {
  endpoint: string;
  /** Each Execute request: tool name and metadata. */
  calls: { toolName: string; metadata: Record<string, string> }[];
  refuse(times: number): void;
  close(): Promise<void>;
}

/** Plaintext unless `tls` gives a key and certificate. */
export async function startGrpcToolService(tls?: { key: Buffer; cert: Buffer }): Promise<GrpcToolService> {
  const calls: GrpcToolService["calls"] = [];
  let refusals = 0;
  const routes = (router: ConnectRouter) =>
    router.service(ToolService, {
      async execute(request, context) {
        calls.push({ toolName: request.toolName, metadata: { ...request.metadata } });
        const args = JSON.parse(request.argumentsJson || "{}") as Record<string, unknown>;
        switch (request.toolName) {
          case "add":
            return { resultJson: JSON.stringify({ sum: Number(args["a"]) + Number(args["b"]) }) };
          case "fail":
            return { isError: true, errorMessage: "the ledger is closed" };
          case "slow":
            await new Promise((resolve, reject) => {
              const timer = setTimeout(resolve, Number(args["ms"] ?? 2000));
              context.signal.addEventListener("abort", () => (clearTimeout(timer), reject(context.signal.reason)));
            });
            return { resultJson: '"finally"' };
          case "unavailable":
            if (refusals > 0) {
              refusals--;
              throw new ConnectError("warming up", Code.Unavailable);
            }
            return { resultJson: '{"recovered":true}' };
          default:
            throw new ConnectError(`no tool ${request.toolName}`, Code.NotFound);
        }
      },
      async listTools() {
        return { tools: [{ name: "add", description: "Adds", inputSchema: '{"type":"object"}' }] };
      },
    });
  const handler = connectNodeAdapter({ routes });
  const server = tls ? createSecureServer({ ...tls, allowHTTP1: false }, handler) : createServer(handler);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    endpoint: `127.0.0.1:${port}`,
    calls,
    refuse: (times) => void (refusals = times),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
