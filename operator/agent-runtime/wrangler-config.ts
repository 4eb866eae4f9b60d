// The edge Worker's wrangler.toml for one AgentRuntime: the repository's wrangler.toml (same entry,
// compatibility date, Durable Object and migration) with the agent's name and vars. A test keeps
// these constants equal to the repository's file.
export const WORKER_MAIN = "facade/edge/worker.ts";
export const WORKER_COMPATIBILITY_DATE = "2026-11-01";
export const WORKER_DO_BINDING = "SESSIONS";
export const WORKER_DO_CLASS = "SessionSocket";
export const WORKER_COMPATIBILITY_FLAGS: readonly string[] = [];
/** The one Durable Object migration: the session class, on SQLite storage. */
export const WORKER_MIGRATION_TAG = "v1";

export interface WranglerConfig {
  name: string;
  vars: Record<string, string>;
  /** Lines for the closing comment: which secrets to set and where their values are. */
  secretNotes: string[];
  header: string[];
}

// A JSON string is a valid TOML basic string (same escapes; JSON never emits `\/`).
const tomlString = (text: string) => JSON.stringify(text);

/** A Worker name: lowercase letters, digits and dashes, at most 63 characters. */
export function workerName(namespace: string, name: string): string {
  const text = `omnia-${namespace}-${name}`.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  return text.slice(0, 63).replace(/-+$/, "");
}

export function renderWranglerToml(config: WranglerConfig): string {
  const lines = [
    ...config.header.map((line) => `# ${line}`),
    `name = ${tomlString(config.name)}`,
    `main = ${tomlString(WORKER_MAIN)}`,
    `compatibility_date = ${tomlString(WORKER_COMPATIBILITY_DATE)}`,
    `compatibility_flags = [${WORKER_COMPATIBILITY_FLAGS.map(tomlString).join(", ")}]`,
    "",
    "[[durable_objects.bindings]]",
    `name = ${tomlString(WORKER_DO_BINDING)}`,
    `class_name = ${tomlString(WORKER_DO_CLASS)}`,
    "",
    "[[migrations]]",
    `tag = ${tomlString(WORKER_MIGRATION_TAG)}`,
    `new_sqlite_classes = [${tomlString(WORKER_DO_CLASS)}]`,
    "",
    "[vars]",
    ...Object.entries(config.vars).map(([key, value]) => `${key} = ${tomlString(value)}`),
    "",
    ...config.secretNotes.map((line) => `# ${line}`),
  ];
  return `${lines.join("\n")}\n`;
}
