// The runtime's gRPC-web port as the runtime process sets it up (startRuntime), driven by a plain
// Connect client over fetch. The edge facade's client runs the turns end to end in
// facade/edge/grpc-web-runtime-client.test.ts; this covers the port's own setup and refusals.
import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Code, ConnectError, createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResumeState, RuntimeService } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import { startConformanceRuntime, type ConformanceRuntime } from "../../test/helpers/conformance-runtime.js";
import { freePort } from "../../test/helpers/free-port.js";

let dir: string;
beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), "omnia-grpc-web-server-"))));
afterAll(async () => rm(dir, { recursive: true, force: true }));

function clientOf(runtime: ConformanceRuntime, token?: string): Client<typeof RuntimeService> {
  const bearer: Interceptor = (next) => (request) => {
    request.header.set("authorization", `Bearer ${token}`);
    return next(request);
  };
  return createClient(RuntimeService, createGrpcWebTransport({ baseUrl: `http://127.0.0.1:${runtime.grpcWebPort}`, interceptors: token ? [bearer] : [] }));
}

async function failure(call: Promise<unknown> | AsyncIterable<unknown>): Promise<ConnectError | undefined> {
  try {
    if (Symbol.asyncIterator in call) for await (const _ of call);
    else await call;
    return undefined;
  } catch (err) {
    return ConnectError.from(err);
  }
}

describe("the runtime's gRPC-web port", () => {
  it("is off unless configured", async () => {
    const runtime = await startConformanceRuntime();
    try {
      expect(runtime.grpcWebPort).toBeUndefined();
    } finally {
      await runtime.stop(500);
    }
  });

  it("takes its bearer token from a file (a mounted Secret)", async () => {
    const token = `from-file-${randomUUID()}`;
    await writeFile(join(dir, "bridge-token"), `${token}\n`);
    const runtime = await startConformanceRuntime({ OMNIA_GRPC_WEB_PORT: String(await freePort()), OMNIA_BRIDGE_TOKEN_FILE: join(dir, "bridge-token") });
    try {
      expect(await clientOf(runtime, token).health({})).toMatchObject({ healthy: true, status: "SERVING" });
      expect(await failure(clientOf(runtime).health({}))).toMatchObject({ code: Code.Unauthenticated });
      expect(await failure(clientOf(runtime, "wrong").health({}))).toMatchObject({ code: Code.Unauthenticated });
    } finally {
      await runtime.stop(500);
    }
  });

  it("refuses to start when the token file cannot be read, naming the variable", async () => {
    const port = await freePort();
    await expect(startConformanceRuntime({ OMNIA_GRPC_WEB_PORT: String(port), OMNIA_BRIDGE_TOKEN_FILE: join(dir, "absent") })).rejects.toThrow(/^OMNIA_BRIDGE_TOKEN_FILE: cannot read/);
  });

  describe("open on loopback (no token)", () => {
    let runtime: ConformanceRuntime;
    let client: Client<typeof RuntimeService>;
    const logLines: string[] = [];

    beforeAll(async () => {
      const lines = new Writable({ write: (chunk: Buffer, _encoding, done) => void (logLines.push(chunk.toString()), done()) });
      runtime = await startConformanceRuntime({ OMNIA_GRPC_WEB_PORT: String(await freePort()), OMNIA_MOCK_CHUNK_DELAY_MS: "15" }, pino({ level: "warn" }, lines));
      client = clientOf(runtime);
    });
    afterAll(async () => runtime?.stop(500));

    it("warns that it runs open, and serves without a token", async () => {
      expect(logLines.join("")).toContain("the gRPC-web port runs open");
      expect(await client.health({})).toMatchObject({ healthy: true });
    });

    it("keeps an idle connection for longer than a client's pool does, so no call goes down a connection being closed", async () => {
      // Node's default (5 s) is shorter than workerd's pool: under load the edge lost turns with
      // "Network connection lost" on connections the runtime closed as they were reused.
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const health = () =>
        new Promise<{ status: number; keepAlive: string | undefined; reused: boolean }>((resolve, reject) => {
          const req = request(
            { agent, host: "127.0.0.1", port: runtime.grpcWebPort, method: "POST", path: "/omnia.runtime.v1.RuntimeService/Health", headers: { "content-type": "application/json" } },
            (res) => {
              res.resume();
              res.on("end", () => resolve({ status: res.statusCode ?? 0, keepAlive: res.headers["keep-alive"]?.toString(), reused: req.reusedSocket }));
            },
          );
          req.on("error", reject);
          req.end("{}");
        });
      try {
        expect(await health()).toMatchObject({ status: 200, keepAlive: "timeout=65", reused: false });
        await new Promise((resolve) => setTimeout(resolve, 6_000));
        expect(await health()).toMatchObject({ status: 200, reused: true });
      } finally {
        agent.destroy();
      }
    }, 15_000);

    it("refuses a second ConverseTurn for a turn id that is running", async () => {
      const headers = { "x-omnia-request-id": randomUUID() };
      const first = client.converseTurn({ sessionId: "dup", content: "go", metadata: { mock_scenario: "long" } }, { headers })[Symbol.asyncIterator]();
      expect((await first.next()).value?.message.case).toBe("chunk");
      expect(await failure(client.converseTurn({ sessionId: "dup", content: "again" }, { headers }))).toMatchObject({ code: Code.AlreadyExists });
      expect(await client.sendTurnInput({ turnId: headers["x-omnia-request-id"], cancel: true })).toMatchObject({ delivered: true });
      while (!(await first.next()).done);
    });

    it("finishes and stores a turn whose stream is cut without cancel (no journal to write it to)", async () => {
      const abort = new AbortController();
      const stream = client.converseTurn({ sessionId: "cut", content: "go", metadata: { mock_scenario: "long" } }, { headers: { "x-omnia-request-id": randomUUID() }, signal: abort.signal });
      for await (const message of stream) {
        if (message.message.case === "chunk") break;
      }
      abort.abort();
      const deadline = Date.now() + 5_000;
      let state = ResumeState.NOT_FOUND;
      while (state !== ResumeState.RESUMABLE && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        state = (await client.hasConversation({ sessionId: "cut" })).state;
      }
      expect(state).toBe(ResumeState.RESUMABLE);
    });
  });
});
