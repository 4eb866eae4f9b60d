// Runtime-only load driver (not a test): starts runtime/main.ts as its own process with the mock
// provider (20-word answer, no chunk delay), drives N concurrent Converse streams back to back over
// one grpc-js channel the way the facade does, and prints chunks/s and the runtime's CPU time per
// chunk (from /proc/<pid>/stat, so the driver's own CPU is not counted). It also prints the cores
// the driver and everything else on the machine used: compare runs only when "others" is near 0.
//
//   node_modules/.bin/node --import tsx runtime/bench/converse-driver.ts [options]
//     --sessions 1000     concurrent streams, one turn in flight each
//     --seconds 10        measured window (after --warmup seconds unmeasured)
//     --warmup 3
//     --turns 0           turns per session id before switching to a fresh one (0: never switch,
//                         so history grows; 1: every turn on an empty history)
//     --node-options="--cpu-prof --cpu-prof-dir=/tmp/prof"   extra flags for the runtime process
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { create } from "@bufbuild/protobuf";
import { Metadata } from "@grpc/grpc-js";
import { startOmniaProcess, waitForHttpOk } from "../../deploy/local/child-process.js";
import { ClientMessageSchema, type ServerMessage } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import { freePort } from "../../shared/net/free-port.js";
import { createRuntimeStub, type RuntimeStub } from "../../shared/rpc/runtime-stub.js";

const WORDS = "Omnia answers this benchmark with exactly twenty short words so every turn streams the same frames to each load client";

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

/** CPU time all processes on the machine used so far (not idle, not iowait). */
function machineBusySeconds(): number {
  const ticks = (readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "").trim().split(/\s+/).slice(1, 9).map(Number);
  return (ticks.reduce((a, b) => a + b, 0) - (ticks[3] ?? 0) - (ticks[4] ?? 0)) / 100;
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ
}

async function startRuntimeProcess() {
  const dir = mkdtempSync(join(tmpdir(), "omnia-converse-driver-"));
  const packDir = join(dir, "pack");
  mkdirSync(packDir);
  writeFileSync(join(dir, "mock.yaml"), `defaultResponse: "${WORDS}"\n`);
  writeFileSync(
    join(packDir, "pack.json"),
    JSON.stringify({
      id: "bench",
      name: "bench",
      version: "1.0.0",
      template_engine: { version: "v1", syntax: "{{variable}}" },
      prompts: { bench: { id: "bench", name: "bench", version: "1.0.0", system_template: "You are a benchmark." } },
    }),
  );
  const grpcPort = await freePort();
  let healthPort = await freePort();
  while (healthPort === grpcPort) healthPort = await freePort();
  const proc = startOmniaProcess({
    name: "runtime",
    entry: "runtime/main.ts",
    logDir: join(dir, "logs"),
    env: {
      OMNIA_AGENT_NAME: "bench",
      OMNIA_NAMESPACE: "default",
      LOG_LEVEL: "warn",
      NODE_OPTIONS: args["node-options"],
      OMNIA_GRPC_PORT: String(grpcPort),
      OMNIA_HEALTH_PORT: String(healthPort),
      OMNIA_PROMPTPACK_PATH: packDir,
      OMNIA_TOOLS_CONFIG_PATH: join(dir, "no-tools.yaml"),
      OMNIA_PROVIDER_TYPE: "mock",
      OMNIA_MOCK_CONFIG_PATH: join(dir, "mock.yaml"),
      OMNIA_MOCK_CHUNK_DELAY_MS: "0",
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
