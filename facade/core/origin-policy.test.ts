import { describe, expect, it } from "vitest";
import { originAllowed } from "./origin-policy.js";

describe("originAllowed", () => {
  it("lets clients without an Origin header in", () => {
    expect(originAllowed(undefined, "127.0.0.1:8080", [])).toBe(true);
  });
  it("lets a page of the same host in", () => {
    expect(originAllowed("http://127.0.0.1:8080", "127.0.0.1:8080", [])).toBe(true);
  });
  it("refuses another origin unless listed", () => {
    expect(originAllowed("https://evil.example", "127.0.0.1:8080", [])).toBe(false);
    expect(originAllowed("https://app.example", "127.0.0.1:8080", ["https://app.example"])).toBe(true);
    expect(originAllowed("https://evil.example", "127.0.0.1:8080", "*")).toBe(true);
  });
  it("refuses an origin that is not a URL", () => {
    expect(originAllowed("null", "127.0.0.1:8080", [])).toBe(false);
  });
});
