import { describe, expect, it } from "vitest";
import { ApiKeyVerifier } from "./api-key-verifier.js";
import { ClientKeySecretError, clientKeysFromEntries, clientKeysFromSecret } from "./client-key-secret.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const demoSecret = { data: { alice: b64("omnia-demo-alice"), "alice.role": b64("editor"), bob: b64("omnia-demo-bob") } };

describe("clientKeysFromSecret", () => {
  it("reads one key per entry, its role from <name>.role or the default", () => {
    expect(clientKeysFromSecret(demoSecret)).toEqual([
      { name: "alice", key: "omnia-demo-alice", role: "editor" },
      { name: "bob", key: "omnia-demo-bob", role: "viewer" },
    ]);
    expect(clientKeysFromSecret({ stringData: { bob: "omnia-demo-bob" } }, "guest")).toEqual([{ name: "bob", key: "omnia-demo-bob", role: "guest" }]);
  });

  it("lets stringData win over data, as the API server merges them", () => {
    expect(clientKeysFromSecret({ data: { bob: b64("omnia-demo-bob") }, stringData: { bob: "bob-rotated-key-1" } })).toEqual([{ name: "bob", key: "bob-rotated-key-1", role: "viewer" }]);
  });

  it("names the wrong entry, never its value", () => {
    const failure = (entries: Record<string, string>) => {
      try {
        clientKeysFromEntries(entries, "viewer", "Secret secured-keys");
        return "";
      } catch (err) {
        expect(err).toBeInstanceOf(ClientKeySecretError);
        return String(err);
      }
    };
    expect(failure({ carol: "short" })).toMatch(/Secret secured-keys: the key carol is shorter than 12 characters/);
    expect(failure({ carol: "short" })).not.toContain("short\"");
    expect(failure({ "dave.role": "editor" })).toMatch(/dave\.role gives a role to no key/);
    expect(failure({ "a b": "long-enough-key-1" })).toMatch(/entry a b is not a key name/);
    expect(failure({ jwtish: "aaaa.bbbb.cccc" })).toMatch(/the key jwtish has the shape of a JWT/);
    expect(failure({ x: "same-key-for-two", y: "same-key-for-two" })).toMatch(/the keys x and y are the same key/);
    expect(() => clientKeysFromSecret({ data: { alice: "%%%" } })).toThrow(/data\.alice is not base64/);
    expect(() => clientKeysFromSecret({ data: { alice: 3 } })).toThrow(/must map names to strings/);
  });
});

describe("ApiKeyVerifier", () => {
  it("accepts a configured key with its name and role, and nothing else", async () => {
    const verifier = await ApiKeyVerifier.create(clientKeysFromSecret(demoSecret));
    expect(await verifier.verify("omnia-demo-alice")).toEqual({ status: "valid", name: "alice", role: "editor" });
    expect(await verifier.verify("omnia-demo-bob")).toEqual({ status: "valid", name: "bob", role: "viewer" });
    expect(await verifier.verify("omnia-demo-alicf")).toEqual({ status: "unknown" });
    expect(await verifier.verify("")).toEqual({ status: "unknown" });
  });

  it("holds digests only: no configured key appears in its state", async () => {
    const verifier = await ApiKeyVerifier.create(clientKeysFromSecret(demoSecret));
    const seen = JSON.stringify(verifier, (_k, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString("latin1") : value));
    expect(seen).not.toContain("omnia-demo");
  });

  it("stops accepting a key removed by replaceKeys at once, and says it was revoked", async () => {
    const verifier = await ApiKeyVerifier.create(clientKeysFromSecret(demoSecret));
    await verifier.replaceKeys(clientKeysFromEntries({ alice: "omnia-demo-alice", carol: "omnia-demo-carol" }));
    expect(await verifier.verify("omnia-demo-bob")).toEqual({ status: "revoked", name: "bob" });
    expect(await verifier.verify("omnia-demo-alice")).toEqual({ status: "valid", name: "alice", role: "viewer" });
    expect(await verifier.verify("omnia-demo-carol")).toMatchObject({ status: "valid", name: "carol" });
    // Put back, it works again.
    await verifier.replaceKeys(clientKeysFromSecret(demoSecret));
    expect(await verifier.verify("omnia-demo-bob")).toMatchObject({ status: "valid", name: "bob" });
    expect(verifier.size).toBe(2);
  });
});
