// Reads a directory of manifests (the files a user would `kubectl apply -f`), validates each
// document we understand, and returns them by kind. Every problem is collected first and thrown
// together as a ManifestLoadError.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import * as v from "valibot";
import { parseAllDocuments } from "yaml";
import { AgentRuntimeSchema } from "./agent-runtime.js";
import { ConfigMapSchema } from "./config-map.js";
import { issueMessage, issuePath } from "./issue-path.js";
import { type ManifestError, ManifestLoadError, objectLabel } from "./manifest-error.js";
import { addObject, emptyManifestSet, type ManifestObject, type ManifestSet } from "./manifest-set.js";
import { OMNIA_API_GROUP, OMNIA_API_VERSION } from "./meta.js";
import { PromptPackSchema } from "./prompt-pack.js";
import { ProviderSchema } from "./provider.js";
import { SecretSchema } from "./secret.js";
import { ToolRegistrySchema } from "./tool-registry.js";
import { WorkspaceSchema } from "./workspace.js";

const MANIFEST_FILE = /\.(ya?ml|json)$/i;
const OMNIA_KINDS = ["Provider", "PromptPack", "ToolRegistry", "AgentRuntime", "Workspace"] as const;
const CLUSTER_SCOPED_KINDS: readonly string[] = ["Workspace"];
const CORE_KINDS = ["ConfigMap", "Secret"] as const;

type Parsed = { ok: true; object: ManifestObject } | { ok: false; issues: ReadonlyArray<v.BaseIssue<unknown>> };

function run<TSchema extends v.GenericSchema<unknown, ManifestObject>>(schema: TSchema, doc: unknown): Parsed {
  const result = v.safeParse(schema, doc);
  return result.success ? { ok: true, object: result.output } : { ok: false, issues: result.issues };
}

function parseKind(kind: (typeof OMNIA_KINDS)[number] | (typeof CORE_KINDS)[number], doc: unknown): Parsed {
  switch (kind) {
    case "Provider":
      return run(ProviderSchema, doc);
    case "PromptPack":
      return run(PromptPackSchema, doc);
    case "ToolRegistry":
      return run(ToolRegistrySchema, doc);
    case "AgentRuntime":
      return run(AgentRuntimeSchema, doc);
    case "Workspace":
      return run(WorkspaceSchema, doc);
    case "ConfigMap":
      return run(ConfigMapSchema, doc);
    case "Secret":
      return run(SecretSchema, doc);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function includes<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

/** Names a document in errors even when its metadata is invalid. */
function describeDocument(doc: Record<string, unknown>, kind: string, where: string): string {
  const meta = isRecord(doc.metadata) ? doc.metadata : {};
  const name = typeof meta.name === "string" && meta.name !== "" ? meta.name : undefined;
  if (name === undefined) return `${kind} (${where})`;
  if (CLUSTER_SCOPED_KINDS.includes(kind)) return `${kind} ${name}`;
  const namespace = typeof meta.namespace === "string" && meta.namespace !== "" ? meta.namespace : "default";
  return objectLabel(kind, namespace, name);
}

class DirectoryLoader {
  readonly set = emptyManifestSet();
  readonly errors: ManifestError[] = [];

  addDocument(file: string, where: string, doc: unknown): void {
    if (doc === null || doc === undefined) return; // empty document, e.g. a trailing `---`
    if (!isRecord(doc)) {
      this.errors.push({ file, object: where, field: "", message: "a manifest must be a mapping with apiVersion and kind" });
      return;
    }
    const { apiVersion, kind } = doc;
    if (typeof apiVersion !== "string" || typeof kind !== "string") {
      const field = typeof apiVersion !== "string" ? "apiVersion" : "kind";
      this.errors.push({ file, object: where, field, message: "required" });
      return;
    }
    if (apiVersion === "v1" && kind === "List" && Array.isArray(doc.items)) {
      doc.items.forEach((item, i) => this.addDocument(file, `${where}, items[${i}]`, item));
      return;
    }
    const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
    const object = describeDocument(doc, kind, where);
    if (group === OMNIA_API_GROUP) {
      if (!includes(OMNIA_KINDS, kind)) {
        this.errors.push({ file, object, field: "kind", message: `unknown kind in ${OMNIA_API_GROUP} (expected one of ${OMNIA_KINDS.join(", ")})` });
        return;
      }
      if (apiVersion !== OMNIA_API_VERSION) {
        this.errors.push({ file, object, field: "apiVersion", message: `unsupported version "${apiVersion}" (expected ${OMNIA_API_VERSION})` });
        return;
      }
      this.addParsed(file, object, parseKind(kind, doc));
    } else if (apiVersion === "v1" && includes(CORE_KINDS, kind)) {
      this.addParsed(file, object, parseKind(kind, doc));
    }
    // Anything else (Deployments, Services, other groups' CRDs) belongs to someone else: skip it.
  }

  private addParsed(file: string, object: string, parsed: Parsed): void {
    if (!parsed.ok) {
      for (const issue of parsed.issues) {
        this.errors.push({ file, object, field: issuePath(issue), message: issueMessage(issue) });
      }
      return;
    }
    const { duplicateOf } = addObject(this.set, parsed.object, file);
    if (duplicateOf !== undefined) {
      this.errors.push({ file, object, field: "metadata.name", message: `duplicate: already defined in ${duplicateOf}` });
    }
  }

  addFile(file: string, text: string): void {
    const documents = parseAllDocuments(text, { prettyErrors: true });
    // A file with no documents at all parses to an empty stream rather than an array.
    if (!Array.isArray(documents)) return;
    documents.forEach((document, index) => {
      const where = `document ${index + 1}`;
      if (document.errors.length > 0) {
        for (const error of document.errors) {
          this.errors.push({ file, object: where, field: "", message: `YAML: ${error.message}` });
        }
        return;
      }
      this.addDocument(file, where, document.toJS());
    });
  }
}

/** Loads every .yaml/.yml/.json file directly in `dir`, in name order. Throws ManifestLoadError. */
export async function loadManifestDir(dir: string): Promise<ManifestSet> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isFile() && MANIFEST_FILE.test(e.name))
    .map((e) => e.name)
    .sort();
  const loader = new DirectoryLoader();
  for (const name of names) {
    const file = join(dir, name);
    loader.addFile(file, await readFile(file, "utf8"));
  }
  if (loader.errors.length > 0) throw new ManifestLoadError(loader.errors);
  return loader.set;
}

/** The same as loadManifestDir for text already in memory (one entry per file). */
export function loadManifestTexts(files: ReadonlyArray<{ file: string; text: string }>): ManifestSet {
  const loader = new DirectoryLoader();
  for (const { file, text } of files) loader.addFile(file, text);
  if (loader.errors.length > 0) throw new ManifestLoadError(loader.errors);
  return loader.set;
}
