// Identity reaches the runtime: the facade sends what the credential proved as x-omnia-* metadata,
// the runtime (trusting its loopback caller) makes the subject the turn's user, and a prompt
// variable bound to the session's user_id sees it. The pack requires `uid` = alice's subject, so
// alice's turn runs, bob's and an anonymous one end INVALID_MESSAGE naming the variable.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeMountedSecret } from "../../deploy/local/mounted-secret.js";
import { loadManifestDir } from "../../shared/manifests/load-manifests.js";
import { resolveAgents } from "../../shared/manifests/resolve-agent.js";
import { startConformanceRuntime, type ConformanceRuntime } from "../helpers/conformance-runtime.js";
import { ProtocolClient } from "../helpers/protocol-client.js";
import { bearer, startAuthFacade, type AuthFacade } from "./auth-facade.js";

const dir = mkdtempSync(join(tmpdir(), "omnia-auth-user-"));
let runtime: ConformanceRuntime;
let facade: AuthFacade;

beforeAll(async () => {
  const [agent] = resolveAgents(await loadManifestDir(join(import.meta.dirname, "../fixtures/conformance")));
  const pack = JSON.parse(agent?.packJson ?? "{}") as { prompts: Record<string, { system_template: string; variables: unknown[] }> };
  for (const prompt of Object.values(pack.prompts)) {
    prompt.system_template += " You are talking to {{uid}}.";
    prompt.variables.push({ name: "uid", type: "string", required: true, binding: { kind: "session", field: "user_id" }, validation: { pattern: "^apikey:alice$" } });
  }
  mkdirSync(join(dir, "pack"));
  writeFileSync(join(dir, "pack", "pack.json"), JSON.stringify(pack));
  writeMountedSecret(join(dir, "keys"), { alice: "omnia-demo-alice", bob: "omnia-demo-bob" });
  runtime = await startConformanceRuntime({ OMNIA_PROMPTPACK_PATH: join(dir, "pack") });
  facade = await startAuthFacade({
    OMNIA_AGENT_ROUTES: `default/secured=${runtime.grpcAddress},default/open=${runtime.grpcAddress}`,
    OMNIA_AGENT_AUTH: JSON.stringify({ "default/secured": { externalAuth: { clientKeys: { secretRef: { name: "keys" } } }, keysDir: join(dir, "keys") } }),
  });
}, 60_000);

afterAll(async () => {
  await facade?.stop();
  await runtime?.stop(500);
  rmSync(dir, { recursive: true, force: true });
});

async function turnAs(agent: string, headers: Record<string, string>) {
  const client = await ProtocolClient.connect(facade.wsUrl({ agent }), { headers });
  const { session_id } = await client.next("connected");
  client.send({ type: "message", session_id, content: "who am I?", metadata: { uid: "apikey:alice" } });
  const ended = await Promise.race([client.turn().then((t) => t.end), client.next("error")]);
  client.close();
  return ended;
}

describe("the authenticated subject as the turn's user", () => {
  it("binds alice's subject to the session's user_id", async () => {
    const ended = await turnAs("secured", bearer("omnia-demo-alice"));
    expect(ended.type, JSON.stringify(ended)).toBe("done");
  });

  it("binds bob's, which the pack's pattern refuses, whatever metadata claims", async () => {
    expect(await turnAs("secured", bearer("omnia-demo-bob"))).toMatchObject({ type: "error", error: { code: "INVALID_MESSAGE", message: expect.stringContaining('"uid"') } });
  });

  it("binds no user for an open agent", async () => {
    expect(await turnAs("open", {})).toMatchObject({ type: "error", error: { code: "INVALID_MESSAGE", message: expect.stringContaining('"uid"') } });
  });
});
