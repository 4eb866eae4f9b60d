// The facade configured as in a pod (one agent, runtime on localhost, health port apart):
// health endpoints on both ports, readiness following the runtime, and the connection limit.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, startOmniaProcess, waitForHttpOk, type OmniaProcess } from "../../deploy/local/child-process.js";
import { startLocalStack, type LocalStack } from "../../deploy/local/local-stack.js";
import { freePort } from "../helpers/free-port.js";
import { ProtocolClient } from "../helpers/protocol-client.js";

let stack: LocalStack;
let facade: OmniaProcess;
let port: number;
let healthPort: number;
const dir = mkdtempSync(join(tmpdir(), "omnia-pod-"));

beforeAll(async () => {
  stack = await startLocalStack({ manifestsDir: join(REPO_ROOT, "deploy/examples"), port: 0, stateDir: dir });
  [port, healthPort] = [await freePort(), await freePort()];
  facade = startOmniaProcess({
    name: "pod-facade",
    entry: "facade/node/main.ts",
    logDir: join(dir, "logs"),
    env: {
      OMNIA_AGENT_NAME: "assistant",
      OMNIA_NAMESPACE: "default",
      OMNIA_RUNTIME_ADDRESS: `127.0.0.1:${stack.runtime("default/assistant").grpcPort}`,
      OMNIA_FACADE_PORT: String(port),
      OMNIA_HEALTH_PORT: String(healthPort),
      OMNIA_MAX_CONNECTIONS: "2",
    },
  });
  await waitForHttpOk(`http://127.0.0.1:${port}/readyz`, 30_000, facade.exited);
}, 60_000);

afterAll(async () => {
  await facade?.stop();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("facade in a pod", () => {
  it("serves /healthz and /readyz on the health port too, and nothing else there", async () => {
    expect((await fetch(`http://127.0.0.1:${healthPort}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${healthPort}/readyz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${healthPort}/`)).status).toBe(404);
  });

  it("keeps idle HTTP connections for longer than an ingress's upstream pool (60 s)", async () => {
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).headers.get("keep-alive")).toBe("timeout=65");
  });

  it("serves its single agent without an agent parameter", async () => {
    const client = await ProtocolClient.connect(`ws://127.0.0.1:${port}/ws`);
    const hello = await client.next("connected");
    client.send({ type: "message", session_id: hello.session_id, content: "hi" });
    expect((await client.turn()).end.type).toBe("done");
    client.close();
    await client.waitClosed();
  });

  it("resumes from its in-process journal when no Redis is configured", async () => {
    const client = await ProtocolClient.connect(`ws://127.0.0.1:${port}/ws`);
    const hello = await client.next("connected");
    client.send({ type: "message", session_id: hello.session_id, content: "hi" });
    const turn = await client.turn();
    client.close();
    const resumed = await ProtocolClient.connect(`ws://127.0.0.1:${port}/ws?resume=${hello.session_id}&after_seq=1`);
    expect(await resumed.next("connected")).toMatchObject({ session_id: hello.session_id, connected: { resumed: true } });
    const replay = await resumed.turn();
    expect(replay.frames).toEqual(turn.frames.slice(1));
    resumed.close();
    await resumed.waitClosed();
  });

  it("refuses resume, saying why, when the journal is switched off, and still runs turns", async () => {
    const offPort = await freePort();
    const off = startOmniaProcess({
      name: "facade-journal-off",
      entry: "facade/node/main.ts",
      logDir: join(dir, "logs"),
      env: {
        OMNIA_AGENT_NAME: "assistant",
        OMNIA_RUNTIME_ADDRESS: `127.0.0.1:${stack.runtime("default/assistant").grpcPort}`,
        OMNIA_FACADE_PORT: String(offPort),
        OMNIA_TURN_JOURNAL: "off",
      },
    });
    try {
      await waitForHttpOk(`http://127.0.0.1:${offPort}/readyz`, 30_000, off.exited);
      const client = await ProtocolClient.connect(`ws://127.0.0.1:${offPort}/ws`);
      const hello = await client.next("connected");
      client.send({ type: "message", session_id: hello.session_id, content: "hi" });
      const first = await client.turn();
      client.send({ type: "message", session_id: hello.session_id, content: "again" });
      const second = await client.turn();
      const seqs = [...first.frames, ...second.frames].map((f) => ("seq" in f ? f.seq : undefined));
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      client.send({ type: "resume", session_id: hello.session_id, after_seq: 0 });
      expect((await client.next("error")).error).toMatchObject({ code: "INVALID_MESSAGE", message: expect.stringContaining("OMNIA_TURN_JOURNAL=off") });
      client.close();
      await client.waitClosed();
    } finally {
      await off.stop();
    }
  });

  it("answers 503 to upgrades beyond the connection limit", async () => {
    const a = await ProtocolClient.connect(`ws://127.0.0.1:${port}/ws`);
    const b = await ProtocolClient.connect(`ws://127.0.0.1:${port}/ws`);
    await expect(ProtocolClient.connect(`ws://127.0.0.1:${port}/ws`)).rejects.toMatchObject({ status: 503 });
    a.close();
    await a.waitClosed();
    await expect.poll(async () => {
      try {
        const c = await ProtocolClient.connect(`ws://127.0.0.1:${port}/ws`);
        c.close();
        return "open";
      } catch (err) {
        return String(err);
      }
    }).toBe("open");
    b.close();
  });

  it("is not ready while its runtime is down, and ready again when it is back", async () => {
    await stack.runtime("default/assistant").kill();
    const ready = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toContain("default/assistant");
    expect((await fetch(`http://127.0.0.1:${healthPort}/healthz`)).status).toBe(200);
    await stack.runtime("default/assistant").start();
    await expect.poll(async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).status, { timeout: 10_000 }).toBe(200);
  });
});
