import { describe, expect, it } from "vitest";
import { ReferenceIndex, refKey } from "./reference-index.js";

describe("ReferenceIndex", () => {
  it("finds the agents using an object, and forgets references an agent dropped", () => {
    const index = new ReferenceIndex();
    index.set("ns/a", [refKey("PromptPack", "ns", "p"), refKey("ConfigMap", "ns", "p-pack")]);
    index.set("ns/b", [refKey("PromptPack", "ns", "p")]);
    expect(index.usersOf(refKey("PromptPack", "ns", "p")).sort()).toEqual(["ns/a", "ns/b"]);
    index.set("ns/a", [refKey("PromptPack", "ns", "q")]);
    expect(index.usersOf(refKey("PromptPack", "ns", "p"))).toEqual(["ns/b"]);
    expect(index.usersOf(refKey("ConfigMap", "ns", "p-pack"))).toEqual([]);
    index.remove("ns/b");
    expect(index.usersOf(refKey("PromptPack", "ns", "p"))).toEqual([]);
  });

  it("lists the referenced objects of one kind (the Secrets to keep watching)", () => {
    const index = new ReferenceIndex();
    index.set("ns/a", [refKey("Secret", "ns", "cloudflare"), refKey("PromptPack", "ns", "p")]);
    index.set("ns/b", [refKey("Secret", "ns", "keys")]);
    expect(index.referenced("Secret").sort()).toEqual(["ns/cloudflare", "ns/keys"]);
    index.remove("ns/b");
    expect(index.referenced("Secret")).toEqual(["ns/cloudflare"]);
  });
});
