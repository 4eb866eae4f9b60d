// Issue 8's limits and start-up rules on the Node facade: failed attempts per address, connections
// and messages per identity (RATE_LIMITED with a retry hint), a ticket that expired, per-agent
// settings in local mode (one agent open, one with keys), the variables' errors, and the
// safe-by-default start (open on loopback says so; open beyond loopback refuses to start).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOmniaProcess, waitForHttpOk } from "../../deploy/local/child-process.js";
import { writeMountedSecret } from "../../deploy/local/mounted-secret.js";
import { loadNodeFacadeConfig } from "../../facade/node/config.js";
import { startConformanceRuntime, type ConformanceRuntime } from "../helpers/conformance-runtime.js";
import { freePort } from "../helpers/free-port.js";
import { ProtocolClient } from "../helpers/protocol-client.js";
import { bearer, rawUpgrade, startAuthFacade, type AuthFacade } from "./auth-facade.js";

const KEYS = { alice: "omnia-demo-alice", bob: "omnia-demo-bob" };
const dir = mkdtempSync(join(tmpdir(), "omnia-auth-limits-"));
const keysDir = join(dir, "keys");
const keysAuth = JSON.stringify({ clientKeys: { secretRef: { name: "secured-keys" } } });

let runtime: ConformanceRuntime;
let strict: AuthFacade;

beforeAll(async () => {
  writeMountedSecret(keysDir, KEYS);
  runtime = await startConformanceRuntime();
  strict = await startAuthFacade({
    OMNIA_AGENT_NAME: "secured",
    OMNIA_RUNTIME_ADDRESS: runtime.grpcAddress,
    OMNIA_EXTERNAL_AUTH: keysAuth,
    OMNIA_AUTH_KEYS_DIR: keysDir,
    OMNIA_AUTH_TICKET_TTL: "1",
    OMNIA_AUTH_FAILURE_BURST: "3",
    OMNIA_IDENTITY_MAX_CONNECTIONS: "2",
    OMNIA_IDENTITY_MESSAGES_PER_MINUTE: "1",
    OMNIA_IDENTITY_MESSAGE_BURST: "2",
  });
}, 60_000);

afterAll(async () => {
  await strict?.stop();
  await runtime?.stop(500);
  rmSync(dir, { recursive: true, force: true });
});

describe("limits per identity", () => {
  it("refuses a third concurrent connection of one identity with 429 and Retry-After, not another identity's", async () => {
    const first = await ProtocolClient.connect(strict.wsUrl(), { headers: bearer(KEYS.alice) });
    const second = await ProtocolClient.connect(strict.wsUrl(), { headers: bearer(KEYS.alice) });
    const third = await rawUpgrade(strict.wsUrl(), bearer(KEYS.alice));
    expect(third.status).toBe(429);
    expect(Number(third.headers["retry-after"])).toBeGreaterThan(0);
    expect(third.body).toMatch(/at most 2 connections/);
    expect((await rawUpgrade(strict.wsUrl(), bearer(KEYS.bob))).status).toBe(101);
    first.close();
    await first.waitClosed();
    await expect.poll(async () => (await rawUpgrade(strict.wsUrl(), bearer(KEYS.alice))).status).toBe(101);
    second.close();
  });

  it("answers messages beyond the identity's rate with RATE_LIMITED and a retry hint", async () => {
    const client = await ProtocolClient.connect(strict.wsUrl(), { headers: bearer(KEYS.bob) });
    const { session_id } = await client.next("connected");
    for (let i = 0; i < 2; i++) {
      client.send({ type: "message", session_id, content: `hello ${i}` });
      expect((await client.turn()).end.type).toBe("done");
    }
    client.send({ type: "message", session_id, content: "one more" });
    const refused = await client.next("error");
    expect(refused.error.code).toBe("RATE_LIMITED");
    expect(refused.error.details).toMatchObject({ retry_after_seconds: expect.any(Number) });
    expect(refused.error.message).toMatch(/retry in \d+ s/);
    client.close();
  });

  it("refuses a ticket that expired", async () => {
    const bought = await strict.ticket(`Bearer ${KEYS.alice}`);
    expect(bought.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect((await rawUpgrade(strict.wsUrl({ ticket: String(bought.body.ticket) }))).status).toBe(401);
  });

  it("answers 429 with Retry-After once an address has failed too often", async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await rawUpgrade(strict.wsUrl(), bearer(`omnia-demo-guess-${i}`));
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 2)).toEqual([401, 401]);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(last?.headers["retry-after"])).toBeGreaterThan(0);
    // Even a right key waits now: the address is the one that guessed.
    expect((await rawUpgrade(strict.wsUrl(), bearer(KEYS.alice))).status).toBe(429);
  });
});

describe("per-agent settings (local mode: one facade, several agents)", () => {
  it("keeps assistant open and secured behind its keys", async () => {
    const facade = await startAuthFacade({
      OMNIA_AGENT_ROUTES: `default/assistant=${runtime.grpcAddress},default/secured=${runtime.grpcAddress}`,
      OMNIA_AGENT_AUTH: JSON.stringify({ "default/secured": { externalAuth: JSON.parse(keysAuth) as unknown, keysDir } }),
    });
    try {
      expect((await rawUpgrade(facade.wsUrl({ agent: "assistant" }))).status).toBe(101);
      expect((await rawUpgrade(facade.wsUrl({ agent: "secured" }))).status).toBe(401);
      expect((await rawUpgrade(facade.wsUrl({ agent: "secured" }), bearer(KEYS.alice))).status).toBe(101);
      const agents = (await (await fetch(`${facade.url}/api/agents`)).json()) as { agents: Array<{ name: string; auth: string }> };
      expect(agents.agents.map((a) => `${a.name}:${a.auth}`)).toEqual(["assistant:none", "secured:required"]);
      expect((await facade.ticket(`Bearer ${KEYS.alice}`, { agent: "assistant" })).status).toBe(400);
      expect(facade.running.authNote).toBe("open on loopback 127.0.0.1: no auth for default/assistant");
    } finally {
      await facade.stop();
    }
  });
});

describe("configuration", () => {
  const base = { OMNIA_AGENT_NAME: "secured" };
  it("names the variable and the field that is wrong", () => {
    expect(() => loadNodeFacadeConfig({ ...base, OMNIA_EXTERNAL_AUTH: "{not json" })).toThrow(/^OMNIA_EXTERNAL_AUTH: not valid JSON$/);
    expect(() => loadNodeFacadeConfig({ ...base, OMNIA_EXTERNAL_AUTH: JSON.stringify({ oidc: { issuer: "ftp://x", audience: "a" } }) })).toThrow(/^OMNIA_EXTERNAL_AUTH\.oidc\.issuer: /);
    expect(() => loadNodeFacadeConfig({ ...base, OMNIA_EXTERNAL_AUTH: JSON.stringify({ clientKeys: {} }) })).toThrow(/^OMNIA_EXTERNAL_AUTH\.clientKeys\.secretRef: /);
    expect(() => loadNodeFacadeConfig({ ...base, OMNIA_AUTH: "maybe" })).toThrow(/OMNIA_AUTH="maybe"/);
    expect(() => loadNodeFacadeConfig({ ...base, OMNIA_AGENT_AUTH: JSON.stringify({ "default/nobody": { externalAuth: {} } }) })).toThrow(/OMNIA_AGENT_AUTH\["default\/nobody"\]: this facade serves no agent/);
    expect(() => loadNodeFacadeConfig({ ...base, OMNIA_AGENT_AUTH: JSON.stringify({ "default/secured": { externalAuth: { oidc: { issuer: "http://idp.example", audience: "a" } } } }) })).toThrow(
      /^OMNIA_AGENT_AUTH\.default\/secured\.externalAuth\.oidc\.issuer: must be an https URL/,
    );
    expect(() => loadNodeFacadeConfig({ ...base, OMNIA_IDENTITY_MAX_CONNECTIONS: "1.5" })).toThrow(/OMNIA_IDENTITY_MAX_CONNECTIONS/);
  });

  it("reads the keys directory the Secret is mounted at, /etc/omnia/auth-keys by default", () => {
    const config = loadNodeFacadeConfig({ ...base, OMNIA_EXTERNAL_AUTH: keysAuth });
    expect(config.auth.agents.get("default/secured")).toMatchObject({ settings: { mode: "required" }, keysDir: "/etc/omnia/auth-keys" });
  });
});

describe("safe by default", () => {
  async function runFacade(env: Record<string, string>) {
    const name = `facade-${Math.random().toString(36).slice(2, 8)}`;
    const facade = startOmniaProcess({ name, entry: "facade/node/main.ts", logDir: join(dir, "logs"), env: { OMNIA_AGENT_NAME: "assistant", OMNIA_RUNTIME_ADDRESS: runtime.grpcAddress, ...env } });
    return { facade, log: () => readFileSync(facade.logFile, "utf8") };
  }

  it("refuses to listen beyond loopback with no auth, naming the setting", async () => {
    const { facade, log } = await runFacade({ OMNIA_FACADE_HOST: "0.0.0.0", OMNIA_FACADE_PORT: String(await freePort()) });
    expect(await facade.exited).toBe(1);
    expect(log()).toMatch(/configuration error: refusing to listen on 0\.0\.0\.0 with no auth for agent\(s\) default\/assistant: .*OMNIA_AUTH=none/);
  });

  it("refuses to start when the mounted keys are missing", async () => {
    const { facade, log } = await runFacade({ OMNIA_EXTERNAL_AUTH: keysAuth, OMNIA_AUTH_KEYS_DIR: join(dir, "absent"), OMNIA_FACADE_PORT: String(await freePort()) });
    expect(await facade.exited).toBe(1);
    expect(log()).toMatch(/configuration error: OMNIA_AUTH_KEYS_DIR=.*absent: cannot list the mounted clientKeys Secret/);
  });

  it("runs open on loopback and says so in its start-up line", async () => {
    const port = await freePort();
    const { facade, log } = await runFacade({ OMNIA_FACADE_PORT: String(port) });
    try {
      await waitForHttpOk(`http://127.0.0.1:${port}/readyz`, 30_000, facade.exited);
      expect(log()).toMatch(/facade listening \(open on loopback 127\.0\.0\.1: no auth for default\/assistant\)/);
    } finally {
      await facade.stop();
    }
  });
}, 60_000);
