import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CloudflareApiServer, startCloudflareApiServer } from "../../test/helpers/cloudflare-api-server.js";
import { resolvedAgent } from "../testing/resolved-agent.js";
import { EDGE_WORKER_UPLOADED_ANNOTATION } from "./constants.js";
import { desiredEdgeWorkerConfigMap } from "./edge.js";
import { type WorkerScript, workerMetadata, workerScriptHash, workerUploadForm, workerUploadUrl } from "./edge-worker-script.js";

const ACCOUNT = "acc-1";
const TOKEN = "token-1";
const script: WorkerScript = {
  accountId: ACCOUNT,
  scriptName: "omnia-default-assistant",
  vars: { OMNIA_NAMESPACE: "default", OMNIA_AGENT_NAME: "assistant" },
  secrets: { OMNIA_BRIDGE_TOKEN: "bridge" },
  bundle: "export default { fetch() { return new Response('ok'); } };\nexport class SessionSocket {}\n",
};

describe("the Worker upload's metadata", () => {
  it("binds vars as plain_text and secrets as secret_text (sorted), the Durable Object, and migrates only on the first upload", () => {
    expect(workerMetadata(script, { firstUpload: true })).toEqual({
      main_module: "worker.js",
      compatibility_date: "2026-11-01",
      compatibility_flags: [],
      bindings: [
        { type: "plain_text", name: "OMNIA_AGENT_NAME", text: "assistant" },
        { type: "plain_text", name: "OMNIA_NAMESPACE", text: "default" },
        { type: "secret_text", name: "OMNIA_BRIDGE_TOKEN", text: "bridge" },
        { type: "durable_object_namespace", name: "SESSIONS", class_name: "SessionSocket" },
      ],
      migrations: { new_tag: "v1", new_sqlite_classes: ["SessionSocket"] },
    });
    expect(workerMetadata(script, { firstUpload: false })).not.toHaveProperty("migrations");
  });

  it.each<[string, Partial<WorkerScript>]>([
    ["a var", { vars: { ...script.vars, OMNIA_ALLOWED_ORIGINS: "https://a.example" } }],
    ["a secret", { secrets: { OMNIA_BRIDGE_TOKEN: "rotated" } }],
    ["the code", { bundle: `${script.bundle}// v2\n` }],
    ["the account", { accountId: "acc-2" }],
    ["the script name", { scriptName: "omnia-default-other" }],
  ])("has a hash that changes with %s and nothing else", (_, change) => {
    expect(workerScriptHash({ ...script, vars: { OMNIA_AGENT_NAME: "assistant", OMNIA_NAMESPACE: "default" } })).toBe(workerScriptHash(script));
    expect(workerScriptHash({ ...script, ...change })).not.toBe(workerScriptHash(script));
  });

  it("escapes names in the upload URL and ignores a trailing slash on the base", () => {
    expect(workerUploadUrl("https://api.cloudflare.com/client/v4/", { accountId: "a/b", scriptName: "w" })).toBe("https://api.cloudflare.com/client/v4/accounts/a%2Fb/workers/scripts/w");
  });

  it("the edge-worker ConfigMap carries the uploaded hash only when there is one", () => {
    const resolved = resolvedAgent({ spec: { facades: [{ type: "websocket", placement: "edge" }], externalAuth: { oidc: { issuer: "https://issuer.example.com", audience: "omnia" } } } });
    expect(desiredEdgeWorkerConfigMap({ resolved, bridgeToken: "t" })?.metadata.annotations).toBeUndefined();
    expect(desiredEdgeWorkerConfigMap({ resolved, bridgeToken: "t", edgeWorkerUploadedHash: "abc" })?.metadata.annotations).toEqual({ [EDGE_WORKER_UPLOADED_ANNOTATION]: "abc" });
  });
});

describe("the Worker upload form, as the Cloudflare API stand-in reads it", () => {
  let cloudflare: CloudflareApiServer;
  beforeAll(async () => (cloudflare = await startCloudflareApiServer({ accounts: { [ACCOUNT]: TOKEN } })));
  afterAll(async () => cloudflare?.close());

  const put = (body: FormData | string, options: { token?: string; account?: string; contentType?: string } = {}) =>
    fetch(workerUploadUrl(cloudflare.apiUrl, { accountId: options.account ?? ACCOUNT, scriptName: script.scriptName }), {
      method: "PUT",
      headers: { authorization: `Bearer ${options.token ?? TOKEN}`, ...(options.contentType ? { "content-type": options.contentType } : {}) },
      body,
    });
  const error = async (response: Response) => ((await response.json()) as { errors: Array<{ message: string }> }).errors[0]?.message;

  it("is accepted as sent: the metadata part and the module part with its content type", async () => {
    const response = await put(workerUploadForm(script, { firstUpload: true }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ success: true, errors: [] });
    expect(cloudflare.uploads.at(-1)).toMatchObject({
      accountId: ACCOUNT,
      scriptName: script.scriptName,
      metadata: { main_module: "worker.js" },
      modules: [{ name: "worker.js", type: "application/javascript+module", text: script.bundle }],
    });
  });

  it("is refused, as Cloudflare refuses it, when the migration is sent twice or the class was never created", async () => {
    const again = await put(workerUploadForm(script, { firstUpload: true }));
    expect(again.status).toBe(400);
    expect(await error(again)).toMatch(/migration tag v1 was already applied/);
    const fresh = { ...script, scriptName: "omnia-default-fresh" };
    const unmigrated = await fetch(workerUploadUrl(cloudflare.apiUrl, fresh), { method: "PUT", headers: { authorization: `Bearer ${TOKEN}` }, body: workerUploadForm(fresh, { firstUpload: false }) });
    expect(await error(unmigrated)).toMatch(/Durable Object class SessionSocket, which no migration created/);
  });

  it("is refused without the right token, or as anything but multipart", async () => {
    expect((await put(workerUploadForm(script, { firstUpload: false }), { token: "wrong" })).status).toBe(401);
    expect((await put(workerUploadForm(script, { firstUpload: false }), { account: "acc-2" })).status).toBe(403);
    const json = await put(JSON.stringify({ main_module: "worker.js" }), { contentType: "application/json" });
    expect(json.status).toBe(400);
    expect(await error(json)).toMatch(/multipart\/form-data/);
  });
});
