// PromptPack status from its ConfigMap: is the source there (SourceValid), does pack.json pass the
// PromptPack 1.4.0 schema (SchemaValid), and which content is active (the same hash the agents' pod
// template carries, so `activeVersion` here equals their `omnia.altairalabs.ai/pack-hash`). Pure: the
// time and the previous status are inputs, so an unchanged world yields an identical status.
import type { ConfigMap } from "../../shared/manifests/config-map.js";
import { validatePackContent } from "../../shared/manifests/pack-content.js";
import { PACK_CONFIGMAP_KEY, type PromptPack } from "../../shared/manifests/prompt-pack.js";
import { type Condition, type ConditionUpdate, mergeConditions } from "../agent-runtime/conditions.js";
import { contentHash } from "../agent-runtime/content-hash.js";

export const PROMPT_PACK_CONDITIONS = { sourceValid: "SourceValid", schemaValid: "SchemaValid" } as const;

export type PromptPackPhase = "Pending" | "Active" | "Superseded" | "Failed";

export interface PromptPackStatusInputs {
  promptPack: PromptPack;
  /** The ConfigMap named by spec.source.configMapRef, or undefined when it does not exist. */
  configMap: Pick<ConfigMap, "data"> | undefined;
  /** The stored status's conditions, activeVersion and lastUpdated (kept while the content is broken). */
  previous?: { conditions?: readonly Condition[]; activeVersion?: string; lastUpdated?: string };
  /** RFC 3339. */
  now: string;
}

export interface PromptPackStatus {
  phase: PromptPackPhase;
  activeVersion?: string;
  lastUpdated?: string;
  conditions: Condition[];
  observedGeneration?: number;
}

type Content = { ok: true; packJson: string } | { ok: false; source: ConditionUpdate };

function source(inputs: PromptPackStatusInputs): Content {
  const type = PROMPT_PACK_CONDITIONS.sourceValid;
  const { namespace } = inputs.promptPack.metadata;
  const cmName = inputs.promptPack.spec.source.configMapRef.name;
  if (!inputs.configMap) {
    return { ok: false, source: { type, status: "False", reason: "ConfigMapNotFound", message: `ConfigMap "${cmName}" not found in namespace ${namespace}; create it with the pack under key ${PACK_CONFIGMAP_KEY}` } };
  }
  const packJson = inputs.configMap.data?.[PACK_CONFIGMAP_KEY];
  if (packJson === undefined) {
    return { ok: false, source: { type, status: "False", reason: "KeyNotFound", message: `ConfigMap "${cmName}" has no key ${PACK_CONFIGMAP_KEY}` } };
  }
  return { ok: true, packJson };
}

/** SchemaValid for pack.json text: the schema's own messages, each with its JSON path. */
export function schemaCondition(packJson: string): ConditionUpdate {
  const type = PROMPT_PACK_CONDITIONS.schemaValid;
  let json: unknown;
  try {
    json = JSON.parse(packJson);
  } catch (err) {
    return { type, status: "False", reason: "InvalidJSON", message: `${PACK_CONFIGMAP_KEY} is not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const result = validatePackContent(json);
  if (!result.ok) {
    return { type, status: "False", reason: "SchemaInvalid", message: `${PACK_CONFIGMAP_KEY} does not match the PromptPack 1.4.0 schema: ${result.errors.join("; ")}` };
  }
  return { type, status: "True", reason: "SchemaValid", message: `${PACK_CONFIGMAP_KEY} is a valid PromptPack 1.4.0` };
}

export function promptPackStatus(inputs: PromptPackStatusInputs): PromptPackStatus {
  const generation = typeof inputs.promptPack.metadata.generation === "number" ? inputs.promptPack.metadata.generation : undefined;
  const content = source(inputs);
  const parts: ConditionUpdate[] = content.ok
    ? [
        { type: PROMPT_PACK_CONDITIONS.sourceValid, status: "True", reason: "ConfigMapFound", message: `ConfigMap "${inputs.promptPack.spec.source.configMapRef.name}" has key ${PACK_CONFIGMAP_KEY}` },
        schemaCondition(content.packJson),
      ]
    : [content.source, { type: PROMPT_PACK_CONDITIONS.schemaValid, status: "Unknown", reason: "SourceInvalid", message: "the pack content could not be read; see SourceValid" }];
  const valid = parts.every((c) => c.status === "True");
  const previous = inputs.previous ?? {};
  // Broken content is not rolled out (the agents keep their pod template), so the last good hash stays active.
  const activeVersion = valid && content.ok ? contentHash(content.packJson) : previous.activeVersion;
  const lastUpdated = activeVersion !== undefined && activeVersion !== previous.activeVersion ? inputs.now : previous.lastUpdated;
  return {
    phase: valid ? "Active" : "Failed",
    ...(activeVersion !== undefined ? { activeVersion } : {}),
    ...(lastUpdated !== undefined ? { lastUpdated } : {}),
    conditions: mergeConditions(previous.conditions, parts, inputs.now, generation),
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  };
}
