// Maps a file path inside a container back to the ConfigMap key that Kubernetes would put there,
// given the pod's volumes and mounts. Used for the mock-config-path annotation.
import type { Volume, VolumeMount } from "./pod-parts.js";

export type MountedFile =
  | { ok: true; configMapName: string; key: string; volumeIndex: number }
  | { ok: false; message: string };

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

export function resolveMountedFile(path: string, volumes: readonly Volume[], mounts: readonly VolumeMount[]): MountedFile {
  // The deepest mount wins, as it does in a container's filesystem.
  let best: { mount: VolumeMount; rest: string } | undefined;
  for (const mount of mounts) {
    const mountPath = trimSlash(mount.mountPath);
    let rest: string | undefined;
    if (path === mountPath && mount.subPath !== undefined) rest = "";
    else if (mount.subPath === undefined && path.startsWith(`${mountPath}/`)) rest = path.slice(mountPath.length + 1);
    if (rest !== undefined && (!best || mountPath.length > trimSlash(best.mount.mountPath).length)) best = { mount, rest };
  }
  if (!best) return { ok: false, message: `no runtime.volumeMounts entry contains ${path}` };
  const { mount, rest } = best;
  const volumeIndex = volumes.findIndex((volume) => volume.name === mount.name);
  const volume = volumes[volumeIndex];
  if (!volume) return { ok: false, message: `volume "${mount.name}" (mounted at ${mount.mountPath}) is not in runtime.volumes` };
  if (!volume.configMap) return { ok: false, message: `volume "${mount.name}" is not a configMap volume` };
  // With subPath the mount is a single file; the subPath names the key (or an items path).
  const relative = mount.subPath !== undefined ? mount.subPath : rest;
  const items = volume.configMap.items;
  const key = items ? items.find((item) => item.path === relative)?.key : relative;
  if (key === undefined || key === "" || key.includes("/")) {
    return { ok: false, message: `${path} is not a file of configMap volume "${mount.name}"` };
  }
  return { ok: true, configMapName: volume.configMap.name, key, volumeIndex };
}
