// The edge Worker as Cloudflare's "Upload Worker Module" API takes it (PUT
// /accounts/{account_id}/workers/scripts/{script_name}, multipart/form-data): a `metadata` part, the
// JSON analogue of wrangler.toml, and the bundled ES module. Pure: the reconciler reads the Secrets
// and the bundle and sends the form.
import { contentHash } from "./content-hash.js";
import {
  WORKER_COMPATIBILITY_DATE,
  WORKER_COMPATIBILITY_FLAGS,
  WORKER_DO_BINDING,
  WORKER_DO_CLASS,
  WORKER_MIGRATION_TAG,
} from "./wrangler-config.js";

/** The form part holding the module, named by `main_module`. */
export const WORKER_MODULE_PART = "worker.js";
export const WORKER_MODULE_CONTENT_TYPE = "application/javascript+module";

export type WorkerBinding =
  | { type: "plain_text"; name: string; text: string }
  | { type: "secret_text"; name: string; text: string }
  | { type: "durable_object_namespace"; name: string; class_name: string };

export interface WorkerMetadata {
  main_module: string;
  compatibility_date: string;
  compatibility_flags: string[];
  bindings: WorkerBinding[];
  migrations?: { new_tag: string; new_sqlite_classes: string[] };
}

export interface WorkerScript {
  accountId: string;
  scriptName: string;
  vars: Record<string, string>;
  /** Worker secrets (OMNIA_BRIDGE_TOKEN, OMNIA_AUTH_KEYS): secret_text bindings. */
  secrets: Record<string, string>;
  bundle: string;
}

/**
 * The metadata part. The Durable Object class is created by the migration, which Cloudflare applies
 * once: a script that already carries it is uploaded without (as wrangler does).
 */
export function workerMetadata(script: WorkerScript, options: { firstUpload: boolean }): WorkerMetadata {
  const sorted = (record: Record<string, string>) => Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
  return {
    main_module: WORKER_MODULE_PART,
    compatibility_date: WORKER_COMPATIBILITY_DATE,
    compatibility_flags: [...WORKER_COMPATIBILITY_FLAGS],
    bindings: [
      ...sorted(script.vars).map(([name, text]): WorkerBinding => ({ type: "plain_text", name, text })),
      ...sorted(script.secrets).map(([name, text]): WorkerBinding => ({ type: "secret_text", name, text })),
      { type: "durable_object_namespace", name: WORKER_DO_BINDING, class_name: WORKER_DO_CLASS },
    ],
    ...(options.firstUpload ? { migrations: { new_tag: WORKER_MIGRATION_TAG, new_sqlite_classes: [WORKER_DO_CLASS] } } : {}),
  };
}

/** Changes when anything uploaded changes (where it goes, vars, secrets, code, settings); nothing else moves it. */
export function workerScriptHash(script: WorkerScript): string {
  return contentHash(
    JSON.stringify({
      accountId: script.accountId,
      scriptName: script.scriptName,
      metadata: workerMetadata(script, { firstUpload: false }),
      bundle: contentHash(script.bundle),
    }),
  );
}

/** The multipart body (fetch sets the boundary). */
export function workerUploadForm(script: WorkerScript, options: { firstUpload: boolean }): FormData {
  const form = new FormData();
  form.set("metadata", new Blob([JSON.stringify(workerMetadata(script, options))], { type: "application/json" }));
  form.set(WORKER_MODULE_PART, new Blob([script.bundle], { type: WORKER_MODULE_CONTENT_TYPE }), WORKER_MODULE_PART);
  return form;
}

/** The upload URL; names are path segments, escaped as such. */
export function workerUploadUrl(apiUrl: string, script: Pick<WorkerScript, "accountId" | "scriptName">): string {
  const base = apiUrl.replace(/\/+$/, "");
  return `${base}/accounts/${encodeURIComponent(script.accountId)}/workers/scripts/${encodeURIComponent(script.scriptName)}`;
}
