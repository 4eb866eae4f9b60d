// Uploads an AgentRuntime's edge Worker through Cloudflare's API when its facade names a Secret with
// Cloudflare credentials (`facades[].edge.cloudflareSecretRef`: keys accountId, apiToken), and only
// when what would be uploaded changed since the last upload (its hash sits on the edge-worker
// ConfigMap). Outcomes: the EdgeWorkerDeployed condition; a 5xx or a network failure throws, so the
// work queue retries with backoff. The API token is never logged or reported.
import { readFile } from "node:fs/promises";
import { ApiException, type KubernetesObjectApi, type V1Secret } from "@kubernetes/client-node";
import type { Logger } from "pino";
import * as v from "valibot";
import type { ConditionUpdate } from "../agent-runtime/conditions.js";
import { contentHash } from "../agent-runtime/content-hash.js";
import { EDGE_WORKER_UPLOADED_ANNOTATION, edgeWorkerConfigMapName } from "../agent-runtime/constants.js";
import { edgeWorkerVars } from "../agent-runtime/edge.js";
import { type WorkerScript, workerScriptHash, workerUploadForm, workerUploadUrl } from "../agent-runtime/edge-worker-script.js";
import { type AgentRuntimeInputs, edgeFacade } from "../agent-runtime/inputs.js";
import type { EdgeWorkerSettings } from "../agent-runtime/settings.js";
import { workerName } from "../agent-runtime/wrangler-config.js";
import type { ClusterReader } from "./cluster-reader.js";

export const EDGE_WORKER_CONDITION = "EdgeWorkerDeployed";
export const CLOUDFLARE_SECRET_KEYS = { accountId: "accountId", apiToken: "apiToken" } as const;

export interface EdgeWorkerUploaderDeps {
  reader: ClusterReader;
  objects: KubernetesObjectApi;
  /** A user's Secret as last seen through its own watch (throws while that is not known yet). */
  secret: (namespace: string, name: string) => Promise<V1Secret | undefined>;
  settings: EdgeWorkerSettings;
  log: Logger;
  fetch?: typeof fetch;
}

export interface EdgeWorkerOutcome {
  condition: ConditionUpdate;
  /** The hash to keep on the ConfigMap: the new one after an upload, else the previous one. */
  uploadedHash?: string;
}

/** A 5xx or unreachable API: retried by the queue. */
export class CloudflareUnavailableError extends Error {
  override readonly name = "CloudflareUnavailableError";
}

const EnvelopeSchema = v.looseObject({
  success: v.optional(v.boolean()),
  errors: v.optional(v.array(v.looseObject({ code: v.optional(v.number()), message: v.optional(v.string()) })), []),
});

/** The Secrets an AgentRuntime's Worker upload reads (for the reference index and the watches). */
export function edgeWorkerSecretNames(inputs: Pick<AgentRuntimeInputs, "resolved">): string[] {
  const ref = edgeFacade(inputs.resolved)?.edge?.cloudflareSecretRef;
  if (!ref) return [];
  const keys = inputs.resolved.agent.spec.externalAuth?.clientKeys?.secretRef.name;
  return keys !== undefined ? [ref.name, keys] : [ref.name];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** What Cloudflare said: its envelope's errors, else the start of the body, with the token blanked. */
export function cloudflareAnswer(response: Response, text: string, apiToken: string): { refused: boolean; detail: string } {
  const parsed = v.safeParse(EnvelopeSchema, parseJson(text));
  const errors = parsed.success ? parsed.output.errors.map((e) => `${e.message ?? "error"}${e.code !== undefined ? ` (code ${e.code})` : ""}`) : [];
  const detail = redact(errors.join("; ") || text.slice(0, 300) || response.statusText, apiToken);
  return { refused: !response.ok || (parsed.success && parsed.output.success === false), detail };
}

export const redact = (text: string, apiToken: string) => text.split(apiToken).join("***");

export type CloudflareCredentials = { ok: true; accountId: string; apiToken: string } | { ok: false; reason: string; message: string };

/** The account and token in the agent's Cloudflare Secret, or why they cannot be used (a condition's reason and message). */
export async function cloudflareCredentials(secretOf: EdgeWorkerUploaderDeps["secret"], namespace: string, name: string): Promise<CloudflareCredentials> {
  const secret = await secretOf(namespace, name);
  if (!secret) return { ok: false, reason: "CloudflareSecretNotFound", message: `the Cloudflare Secret "${name}" was not found` };
  const accountId = secretValue(secret, CLOUDFLARE_SECRET_KEYS.accountId);
  const apiToken = secretValue(secret, CLOUDFLARE_SECRET_KEYS.apiToken);
  const missing = [...(accountId === undefined ? [CLOUDFLARE_SECRET_KEYS.accountId] : []), ...(apiToken === undefined ? [CLOUDFLARE_SECRET_KEYS.apiToken] : [])];
  if (accountId === undefined || apiToken === undefined) {
    return { ok: false, reason: "CloudflareSecretInvalid", message: `the Cloudflare Secret "${name}" has no ${missing.join(" or ")} key (or it is empty)` };
  }
  return { ok: true, accountId, apiToken };
}

const decode = (value: string) => Buffer.from(value, "base64").toString("utf8");

function secretValue(secret: V1Secret, key: string): string | undefined {
  const data = secret.data?.[key];
  const value = data !== undefined ? decode(data) : secret.stringData?.[key];
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

export class EdgeWorkerUploader {
  /** Content Cloudflare refused, per agent: not sent again until it (or the token) changes. */
  private readonly rejected = new Map<string, { attempt: string; message: string }>();
  private bundle: Promise<string> | undefined;

  constructor(private readonly deps: EdgeWorkerUploaderDeps) {}

  /** Undefined when the agent asks for no upload; `beforeUpload` runs right before anything is sent to Cloudflare. */
  async reconcile(inputs: AgentRuntimeInputs, beforeUpload?: () => Promise<void>): Promise<EdgeWorkerOutcome | undefined> {
    const facade = edgeFacade(inputs.resolved);
    const ref = facade?.edge?.cloudflareSecretRef;
    const { agent } = inputs.resolved;
    const { namespace, name } = agent.metadata;
    const key = `${namespace}/${name}`;
    if (!ref || inputs.bridgeToken === undefined) {
      this.rejected.delete(key);
      return undefined;
    }
    const configMap = this.deps.reader.get("ConfigMap", namespace, edgeWorkerConfigMapName(name));
    let previous = configMap?.metadata?.annotations?.[EDGE_WORKER_UPLOADED_ANNOTATION];
    // The hash last uploaded stays on the ConfigMap whatever happens now (read when called: it may be re-read below).
    const failed = (reason: string, message: string): EdgeWorkerOutcome => ({
      condition: { type: EDGE_WORKER_CONDITION, status: "False", reason, message },
      ...(previous !== undefined ? { uploadedHash: previous } : {}),
    });

    const credentials = await cloudflareCredentials(this.deps.secret, namespace, ref.name);
    if (!credentials.ok) return failed(credentials.reason, credentials.message);
    const secrets: Record<string, string> = { OMNIA_BRIDGE_TOKEN: inputs.bridgeToken };
    const keysRef = agent.spec.externalAuth?.clientKeys?.secretRef.name;
    if (keysRef !== undefined) {
      const keys = await this.deps.secret(namespace, keysRef);
      if (!keys) return failed("ClientKeysSecretNotFound", `the clientKeys Secret "${keysRef}" was not found: the Worker needs its keys as OMNIA_AUTH_KEYS`);
      secrets.OMNIA_AUTH_KEYS = JSON.stringify(Object.fromEntries(Object.entries(keys.data ?? {}).map(([k, value]) => [k, decode(value)])));
    }
    let bundle: string;
    try {
      bundle = await this.readBundle();
    } catch (err) {
      return failed("WorkerBundleMissing", `the Worker bundle could not be read from ${this.deps.settings.bundlePath}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    const script: WorkerScript = { accountId: credentials.accountId, scriptName: workerName(namespace, name), vars: edgeWorkerVars(inputs), secrets, bundle };
    const hash = workerScriptHash(script);
    const deployed: EdgeWorkerOutcome = {
      condition: { type: EDGE_WORKER_CONDITION, status: "True", reason: "Deployed", message: `Worker ${script.scriptName} is deployed to Cloudflare account ${script.accountId} (content ${hash})` },
      uploadedHash: hash,
    };
    if (hash === previous) return deployed;
    // The cache may not show our last write yet: an upload is worth one read to be sure.
    previous = await this.uploadedHash(namespace, name);
    if (hash === previous) return deployed;
    // A new token may be what the refusal was about: it earns another attempt.
    const attempt = `${hash}/${contentHash(credentials.apiToken)}`;
    const refused = this.rejected.get(key);
    if (refused?.attempt === attempt) return failed("UploadRejected", refused.message);

    await beforeUpload?.();
    let message = await this.upload(script, credentials.apiToken, { firstUpload: previous === undefined });
    // Nothing on record, yet the Worker may exist with its class (an earlier install, a recreated
    // ConfigMap): Cloudflare refuses a migration applied twice, so it is tried once without.
    if (message !== undefined && previous === undefined && (await this.upload(script, credentials.apiToken, { firstUpload: false })) === undefined) message = undefined;
    if (message !== undefined) {
      this.rejected.set(key, { attempt, message });
      this.deps.log.warn({ agent: key, worker: script.scriptName, message }, "Cloudflare refused the Worker upload");
      return failed("UploadRejected", message);
    }
    this.rejected.delete(key);
    this.deps.log.info({ agent: key, worker: script.scriptName, hash }, "uploaded the edge Worker");
    return deployed;
  }

  private async uploadedHash(namespace: string, name: string): Promise<string | undefined> {
    try {
      const current = await this.deps.objects.read({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: edgeWorkerConfigMapName(name), namespace } });
      return current.metadata?.annotations?.[EDGE_WORKER_UPLOADED_ANNOTATION];
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return undefined;
      throw err;
    }
  }

  /** The prebuilt bundle, read once (the image carries it; it does not change while we run). */
  private readBundle(): Promise<string> {
    this.bundle ??= readFile(this.deps.settings.bundlePath, "utf8");
    const bundle = this.bundle;
    bundle.catch(() => {
      if (this.bundle === bundle) this.bundle = undefined;
    });
    return bundle;
  }

  /** Undefined on success; Cloudflare's words on a 4xx; throws on a 5xx or no answer. */
  private async upload(script: WorkerScript, apiToken: string, options: { firstUpload: boolean }): Promise<string | undefined> {
    const url = workerUploadUrl(this.deps.settings.cloudflareApiUrl, script);
    let response: Response;
    try {
      response = await (this.deps.fetch ?? fetch)(url, {
        method: "PUT",
        headers: { authorization: `Bearer ${apiToken}` },
        body: workerUploadForm(script, options),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (err) {
      throw new CloudflareUnavailableError(redact(`uploading Worker ${script.scriptName}: ${err instanceof Error ? err.message : String(err)}`, apiToken));
    }
    const { refused, detail } = cloudflareAnswer(response, await response.text(), apiToken);
    if (response.status >= 500) throw new CloudflareUnavailableError(`Cloudflare answered ${response.status} to the upload of Worker ${script.scriptName}: ${detail}`);
    if (refused) return `Cloudflare refused the upload of Worker ${script.scriptName} (HTTP ${response.status}): ${detail}`;
    return undefined;
  }
}
