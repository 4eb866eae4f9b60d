import { describe, expect, it } from "vitest";
import { resolveMountedFile } from "./mounted-file.js";

const volumes = [
  { name: "a", configMap: { name: "cm-a" } },
  { name: "b", configMap: { name: "cm-b", items: [{ key: "real-key", path: "conf/file.yaml" }] } },
  { name: "s", secret: { secretName: "sec" } },
];

describe("resolveMountedFile", () => {
  it("maps a path under a mount to the ConfigMap key", () => {
    const mounts = [{ name: "a", mountPath: "/etc/omnia" }];
    expect(resolveMountedFile("/etc/omnia/x.yaml", volumes, mounts)).toEqual({ ok: true, configMapName: "cm-a", key: "x.yaml", volumeIndex: 0 });
  });

  it("prefers the deepest mount and follows items", () => {
    const mounts = [
      { name: "a", mountPath: "/etc" },
      { name: "b", mountPath: "/etc/omnia" },
    ];
    expect(resolveMountedFile("/etc/omnia/conf/file.yaml", volumes, mounts)).toMatchObject({ configMapName: "cm-b", key: "real-key" });
  });

  it("handles subPath mounts", () => {
    const mounts = [{ name: "a", mountPath: "/etc/mock.yaml", subPath: "scenarios.yaml" }];
    expect(resolveMountedFile("/etc/mock.yaml", volumes, mounts)).toMatchObject({ key: "scenarios.yaml" });
  });

  it("explains what is wrong", () => {
    expect(resolveMountedFile("/etc/x", volumes, [{ name: "s", mountPath: "/etc" }])).toEqual({ ok: false, message: 'volume "s" is not a configMap volume' });
    expect(resolveMountedFile("/etc/x", volumes, [{ name: "zz", mountPath: "/etc" }])).toEqual({
      ok: false,
      message: 'volume "zz" (mounted at /etc) is not in runtime.volumes',
    });
    expect(resolveMountedFile("/etc/sub/x", volumes, [{ name: "a", mountPath: "/etc" }])).toEqual({
      ok: false,
      message: '/etc/sub/x is not a file of configMap volume "a"',
    });
  });
});
