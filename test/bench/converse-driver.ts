// Runtime-only load driver (not a test): starts runtime/main.ts as its own process with the mock
// provider (20-word answer, no chunk delay), drives N concurrent Converse streams back to back over
// one grpc-js channel the way the facade does, and prints chunks/s and the runtime's CPU time per
// chunk (from /proc/<pid>/stat, so the driver's own CPU is not counted). It also prints the cores
// the driver and everything else on the machine used: compare runs only when "others" is near 0.
//
//   node_modules/.bin/node --import tsx test/bench/converse-driver.ts [options]
//     --sessions 1000     concurrent streams, one turn in flight each
//     --seconds 10        measured window (after --warmup seconds unmeasured)
//     --warmup 3
//     --turns 0           turns per session id before switching to a fresh one (0: never switch,
//                         so history grows; 1: every turn on an empty history)
//     --node-options="--cpu-prof --cpu-prof-dir=/tmp/prof"   extra flags for the runtime process
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { create } from "@bufbuild/protobuf";
import { Metadata } from "@grpc/grpc-js";
import { startOmniaProcess, waitForHttpOk } from "../../deploy/local/child-process.js";
import { ClientMessageSchema, type ServerMessage } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import { freePort } from "../../shared/net/free-port.js";
import { createRuntimeStub, type RuntimeStub } from "../../shared/rpc/runtime-stub.js";
import { cpuSeconds, machineBusySeconds } from "./proc-status.js";
import { writeBenchAgent } from "./workload.js";


const { values: args } = parseArgs({
  options: {
    sessions: { type: "string", default: "1000" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    turns: { type: "string", default: "0" },
    "node-options": { type: "string", default: "" },
  },
});
const sessions = Number(args.sessions);
const seconds = Number(args.seconds);
const warmup = Number(args.warmup);
const turnsPerSession = Number(args.turns);

async function startRuntimeProcess() {
  const dir = mkdtempSync(join(tmpdir(), "omnia-converse-driver-"));
  const agentEnv = writeBenchAgent(dir);
  const grpcPort = await freePort();
  let healthPort = await freePort();
  while (healthPort === grpcPort) healthPort = await freePort();
  const proc = startOmniaProcess({
    name: "runtime",
    entry: "runtime/main.ts",
    logDir: join(dir, "logs"),
    env: {
      ...agentEnv,
      LOG_LEVEL: "warn",
      NODE_OPTIONS: args["node-options"],
      OMNIA_GRPC_PORT: String(grpcPort),
      OMNIA_HEALTH_PORT: String(healthPort),
    },
  });
  await waitForHttpOk(`http://127.0.0.1:${healthPort}/readyz`, 30_000, proc.exited);
  return { proc, address: `127.0.0.1:${grpcPort}`, dir };
}

interface Counters {
  chunks: number;
  turns: number;
  failures: number;
}

/** One turn as the facade runs it: metadata, one ClientMessage, write side open until the end. */
function runTurn(stub: RuntimeStub, sessionId: string, counters: Counters): Promise<void> {
  return new Promise((resolve) => {
    const md = new Metadata();
    md.set("x-omnia-agent-name", "bench");
    md.set("x-omnia-namespace", "default");
    md.set("x-omnia-session-id", sessionId);
    md.set("x-omnia-request-id", `req-${counters.turns}`);
    const call = stub.converse(md);
    let done = false;
    call.on("data", (message: ServerMessage) => {
      const m = message.message;
      if (m.case === "chunk") counters.chunks++;
      else if (m.case === "done") {
        done = true;
        counters.turns++;
      } else if (m.case === "error") counters.failures++;
    });
    call.on("error", () => {
      counters.failures++;
      resolve();
    });
    call.on("end", () => {
      if (!done) counters.failures++;
      call.end();
      resolve();
    });
    call.write(create(ClientMessageSchema, { sessionId, content: "hi" }));
  });
}

async function main(): Promise<void> {
  const { proc, address, dir } = await startRuntimeProcess();
  try {
    await drive(proc.pid, address);
  } finally {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function drive(runtimePid: number, address: string): Promise<void> {
  const stub = createRuntimeStub(address, {
    "grpc.max_receive_message_length": 64 * 1024 * 1024,
    "grpc.max_send_message_length": 64 * 1024 * 1024,
    // Only the runtime is measured: spare the driver channelz's per-message bookkeeping.
    "grpc.enable_channelz": 0,
  });
  const counters: Counters = { chunks: 0, turns: 0, failures: 0 };
  let running = true;
  const loops = Array.from({ length: sessions }, async (_, i) => {
    let generation = 0;
    let turnsHere = 0;
    while (running) {
      if (turnsPerSession > 0 && turnsHere === turnsPerSession) {
        generation++;
        turnsHere = 0;
      }
      await runTurn(stub, `driver-${i}-${generation}`, counters);
      turnsHere++;
    }
  });

  await new Promise((r) => setTimeout(r, warmup * 1000));
  const start = { at: performance.now(), cpu: cpuSeconds(runtimePid), self: process.cpuUsage(), machine: machineBusySeconds(), ...counters };
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const end = { at: performance.now(), cpu: cpuSeconds(runtimePid), self: process.cpuUsage(start.self), machine: machineBusySeconds(), ...counters };
  running = false;
  await Promise.all(loops);
  stub.close();

  const elapsed = (end.at - start.at) / 1000;
  const chunks = end.chunks - start.chunks;
  const cpu = end.cpu - start.cpu;
  const driverCores = (end.self.user + end.self.system) / 1e6 / elapsed;
  const result = {
    sessions,
    seconds: round(elapsed, 2),
    turnsPerSession,
    chunksPerSecond: Math.round(chunks / elapsed),
    turnsPerSecond: Math.round((end.turns - start.turns) / elapsed),
    runtimeCores: round(cpu / elapsed, 3),
    runtimeCpuUsPerChunk: round((cpu / chunks) * 1e6, 1),
    driverCores: round(driverCores, 3),
    otherCores: round(Math.max(0, (end.machine - start.machine - cpu) / elapsed - driverCores), 2),
    failures: end.failures,
  };
  console.log(
    `chunks/s ${result.chunksPerSecond}  turns/s ${result.turnsPerSecond}  runtime ${result.runtimeCores} cores  ` +
      `${result.runtimeCpuUsPerChunk} µs CPU/chunk  (driver ${result.driverCores}, others ${result.otherCores} cores)  failures ${result.failures}`,
  );
  console.log(`DRIVER_JSON ${JSON.stringify(result)}`);
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

await main();
