import { describe, expect, it } from "vitest";
import type { AgentBinding } from "./agent-binding.js";
import type { RuntimeClient } from "./runtime-port.js";
import { admitUpgrade, type AdmissionState } from "./upgrade-admission.js";

// Admission never calls the runtime; an agent only needs its name here.
const agent = (namespace: string, name: string): AgentBinding => ({ namespace, name, runtime: {} as RuntimeClient });
const one = new Map([["default/assistant", agent("default", "assistant")]]);
const two = new Map([...one, ["team/helper", agent("team", "helper")]]);
const state = (over: Partial<AdmissionState> = {}): AdmissionState => ({
  draining: false,
  connections: 0,
  maxConnections: 10,
  allowedOrigins: [],
  agents: one,
  ...over,
});
const request = (url: string, headers: Record<string, string> = {}) => {
  const u = new URL(url, "http://facade.local");
  return { path: u.pathname, query: u.searchParams, header: (n: string) => headers[n] };
};

describe("admitUpgrade", () => {
  it("picks the only agent without a query, and the named one otherwise", () => {
    expect(admitUpgrade(request("/ws"), state())).toMatchObject({ ok: true, agent: { name: "assistant" } });
    expect(admitUpgrade(request("/ws?agent=helper&namespace=team&workspace=w1"), state({ agents: two }))).toMatchObject({
      ok: true,
      agent: { name: "helper" },
      workspace: "w1",
    });
    expect(admitUpgrade(request("/api/agents/team/helper/ws"), state({ agents: two }))).toMatchObject({ ok: true, agent: { name: "helper" } });
  });

  it("answers 400 for a missing or unknown agent", () => {
    expect(admitUpgrade(request("/ws"), state({ agents: two }))).toMatchObject({ ok: false, status: 400 });
    expect(admitUpgrade(request("/ws?agent=nobody"), state())).toMatchObject({ ok: false, status: 400, message: 'unknown agent "default/nobody"' });
  });

  it("answers 403 for a foreign origin, 503 when draining or full, 404 elsewhere", () => {
    expect(admitUpgrade(request("/ws", { origin: "https://evil.example", host: "facade.local" }), state())).toMatchObject({ status: 403 });
    expect(admitUpgrade(request("/ws", { origin: "http://facade.local", host: "facade.local" }), state())).toMatchObject({ ok: true });
    expect(admitUpgrade(request("/ws"), state({ draining: true }))).toMatchObject({ status: 503 });
    expect(admitUpgrade(request("/ws"), state({ connections: 10 }))).toMatchObject({ status: 503 });
    expect(admitUpgrade(request("/elsewhere"), state())).toMatchObject({ status: 404 });
  });
});
