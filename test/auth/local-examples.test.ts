// `npm start` with deploy/examples: one facade on loopback serves `assistant` open and `secured`
// behind the demo keys of its Secret, mounted as its pod would mount it; a ticket bought with
// curl's request opens `secured`; editing the mounted Secret revokes a key without a restart.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../deploy/local/child-process.js";
import { startLocalStack, type LocalStack } from "../../deploy/local/local-stack.js";
import { writeMountedSecret } from "../../deploy/local/mounted-secret.js";
import { ProtocolClient } from "../helpers/protocol-client.js";
import { bearer, rawUpgrade } from "./auth-facade.js";

const dir = mkdtempSync(join(tmpdir(), "omnia-auth-local-"));
let stack: LocalStack;
const ws = (query: Record<string, string>) => `${stack.url.replace(/^http/, "ws")}ws?${new URLSearchParams(query).toString()}`;

beforeAll(async () => {
  stack = await startLocalStack({ manifestsDir: join(REPO_ROOT, "deploy/examples"), port: 0, stateDir: dir, facadeEnv: { OMNIA_AUTH_KEYS_POLL: "200ms" } });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the examples in local mode", () => {
  it("serve assistant open and secured only with a demo key", async () => {
    expect((await rawUpgrade(ws({ agent: "assistant" }))).status).toBe(101);
    expect((await rawUpgrade(ws({ agent: "secured" }))).status).toBe(401);
    expect((await rawUpgrade(ws({ agent: "secured" }), bearer("omnia-demo-alice"))).status).toBe(101);
  });

  it("sell a ticket to `curl -X POST -H 'Authorization: Bearer omnia-demo-bob' /ws/ticket?agent=secured`, good for one chat", async () => {
    const response = await fetch(`${stack.url}ws/ticket?agent=secured`, { method: "POST", headers: bearer("omnia-demo-bob") });
    expect(response.status).toBe(200);
    const { ticket } = (await response.json()) as { ticket: string };
    const client = await ProtocolClient.connect(ws({ agent: "secured", ticket }));
    const { session_id } = await client.next("connected");
    client.send({ type: "message", session_id, content: "hello" });
    expect((await client.turn()).end.type).toBe("done");
    client.close();
  });

  it("revoke a key removed from the mounted Secret, without a restart", async () => {
    const keysDir = stack.auth.keysDirs.get("default/secured");
    if (!keysDir) throw new Error("the secured agent's keys are not mounted");
    writeMountedSecret(keysDir, { alice: "omnia-demo-alice" });
    await expect.poll(async () => (await rawUpgrade(ws({ agent: "secured" }), bearer("omnia-demo-bob"))).status, { timeout: 5_000 }).toBe(401);
    expect((await rawUpgrade(ws({ agent: "secured" }), bearer("omnia-demo-alice"))).status).toBe(101);
  });
});
