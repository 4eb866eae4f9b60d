// The clientKeys Secret as the kubelet mounts it: one file per entry (entry name = file name),
// the files being symlinks into a `..data` directory that is swapped atomically on every change.
// Dotfiles (`..data`, `..2026_…`) are the kubelet's, not entries. The directory is polled, so
// editing the Secret revokes or adds a key within a few seconds, without a restart.
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { ClientKeySecretError, clientKeysFromEntries, type ClientKey } from "../../shared/auth/index.js";
import type { Logger } from "../core/logger.js";

/** The entries of the mounted Secret; throws naming the directory when it cannot be read. */
export async function readSecretDir(dir: string, variable = "OMNIA_AUTH_KEYS_DIR"): Promise<Record<string, string>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ClientKeySecretError(`${variable}=${dir}: cannot list the mounted clientKeys Secret (${code})`);
  }
  const entries: Record<string, string> = {};
  for (const name of names.sort()) {
    if (name.startsWith(".")) continue;
    const path = join(dir, name);
    // stat follows the kubelet's symlinks; a directory is not an entry.
    if (!(await stat(path)).isFile()) continue;
    entries[name] = await readFile(path, "utf8");
  }
  return entries;
}

export interface KeysDirWatch {
  /** The keys at start (throws when the Secret is missing or wrong: the facade must not start). */
  initial: ClientKey[];
  stop(): void;
}

/**
 * Reads the keys, then polls every `pollMs`: a change is handed to `replace`; a Secret that became
 * wrong or unreadable is logged and the keys in use stay (never a value in the log).
 */
export async function watchKeysDir(
  dir: string,
  options: { secretName: string; defaultRole: string; pollMs: number; logger: Logger; agent: string },
  replace: (keys: ClientKey[]) => Promise<void>,
): Promise<KeysDirWatch> {
  const { secretName, defaultRole, pollMs, logger, agent } = options;
  const load = async () => {
    const entries = await readSecretDir(dir);
    return { fingerprint: fingerprintOf(entries), keys: clientKeysFromEntries(entries, defaultRole, `Secret ${secretName} (${dir})`) };
  };
  const first = await load();
  let fingerprint = first.fingerprint;
  let lastProblem = "";
  let running = false;
  const poll = async () => {
    if (running) return;
    running = true;
    try {
      const entries = await readSecretDir(dir);
      const next = fingerprintOf(entries);
      if (next === fingerprint) return;
      const keys = clientKeysFromEntries(entries, defaultRole, `Secret ${secretName} (${dir})`);
      await replace(keys);
      fingerprint = next;
      lastProblem = "";
      logger.info({ agent, secret: secretName, keys: keys.map((k) => k.name) }, "client keys reloaded");
    } catch (err) {
      const problem = err instanceof Error ? err.message : String(err);
      if (problem !== lastProblem) logger.warn({ agent, secret: secretName, err: problem }, "client keys not reloaded; the keys in use stay");
      lastProblem = problem;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void poll(), pollMs);
  timer.unref();
  return { initial: first.keys, stop: () => clearInterval(timer) };
}

// A digest rather than the entries themselves, so the watcher holds no key in plain text.
function fingerprintOf(entries: Record<string, string>): string {
  return createHash("sha256").update(JSON.stringify(entries)).digest("hex");
}
