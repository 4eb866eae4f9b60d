// A Secret's entries written as the kubelet mounts a Secret volume: the entries live in a
// timestamped `..<stamp>` directory, `..data` points at it, and each entry is a symlink through
// `..data`. An update writes a new directory and swaps `..data` atomically (rename), so a reader
// sees the old set or the new one, never half of each: what the facade's key watcher must handle.
import { mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

let generation = 0;

/** Writes (or replaces) the entries under `dir`; entries no longer present disappear. */
export function writeMountedSecret(dir: string, entries: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  const stamp = `..${new Date().toISOString().replace(/[:.]/g, "_")}.${process.pid}.${++generation}`;
  mkdirSync(join(dir, stamp), { mode: 0o700 });
  for (const [name, value] of Object.entries(entries)) writeFileSync(join(dir, stamp, name), value, { mode: 0o600 });
  const data = join(dir, "..data");
  const previous = existsSync(data) ? readlinkSync(data) : undefined;
  const temp = join(dir, "..data_tmp");
  rmSync(temp, { force: true });
  symlinkSync(stamp, temp);
  renameSync(temp, data);
  for (const name of readdirSync(dir)) {
    if (name.startsWith(".")) continue;
    if (!(name in entries)) rmSync(join(dir, name), { force: true });
  }
  for (const name of Object.keys(entries)) {
    const link = join(dir, name);
    if (!existsSync(link)) symlinkSync(join("..data", name), link);
  }
  if (previous !== undefined && previous !== stamp) rmSync(join(dir, previous), { recursive: true, force: true });
}
