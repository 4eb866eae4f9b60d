// What authenticating an upgrade costs: the time from opening a WebSocket to the 101, for an open
// agent (the baseline) and for one that requires auth, with an API key, an OIDC JWT (RS256, from a
// local issuer, JWKS cached after the first), and a browser ticket (bought with POST /ws/ticket,
// then redeemed by the upgrade; both timed). One facade in this process in front of one runtime;
// the methods take turns, one upgrade at a time, so they see the same machine.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { writeMountedSecret } from "../../deploy/local/mounted-secret.js";
import { startAuthFacade } from "../auth/auth-facade.js";
import { startConformanceRuntime } from "../helpers/conformance-runtime.js";
import { startOidcIssuer, TEST_AUDIENCE } from "../helpers/oidc-issuer.js";
import type { BenchSection } from "./section.js";
import { summarize, type Summary } from "./stats.js";

const KEY = "omnia-bench-key-0123456789";
const METHODS = ["open", "api_key", "jwt", "ticket"] as const;
type Method = (typeof METHODS)[number];

export interface AuthCostResult {
  upgrades: number;
  upgradeMs: Record<Method, Summary>;
  /** POST /ws/ticket plus the upgrade that redeems it. */
  ticketRoundTripMs: Summary;
  failures: number;
}

function upgrade(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = new WebSocket(url, { headers });
    socket.once("open", () => {
      const ms = performance.now() - started;
      socket.close();
      resolve(ms);
    });
    socket.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    socket.once("error", reject);
  });
}

export async function runAuthCost(options: { upgrades: number }): Promise<AuthCostResult> {
  const dir = mkdtempSync(join(tmpdir(), "omnia-bench-auth-"));
  const keysDir = join(dir, "keys");
  writeMountedSecret(keysDir, { bench: KEY });
  const [runtime, issuer] = await Promise.all([startConformanceRuntime(), startOidcIssuer()]);
  await issuer.createKey("RS256");
  const facade = await startAuthFacade({
    OMNIA_AGENT_ROUTES: `default/secured=${runtime.grpcAddress}`,
    OMNIA_EXTERNAL_AUTH: JSON.stringify({ clientKeys: { secretRef: { name: "bench-keys" } }, oidc: { issuer: issuer.url, audience: TEST_AUDIENCE } }),
    OMNIA_AUTH_KEYS_DIR: keysDir,
    // Thousands of upgrades from one address and one identity: the limits are not what is measured.
    OMNIA_AUTH_FAILURE_BURST: "100000",
    OMNIA_IDENTITY_MAX_CONNECTIONS: "100000",
  });
  const open = await startAuthFacade({ OMNIA_AGENT_ROUTES: `default/assistant=${runtime.grpcAddress}` });
  const samples: Record<Method, number[]> = { open: [], api_key: [], jwt: [], ticket: [] };
  const roundTrips: number[] = [];
  let failures = 0;
  try {
    const jwt = await issuer.sign({ sub: "bench-user" }, { expiresIn: 3600 });
    const secured = facade.wsUrl({ agent: "secured" });
    const once: Record<Method, () => Promise<number>> = {
      open: () => upgrade(open.wsUrl({ agent: "assistant" })),
      api_key: () => upgrade(secured, { authorization: `Bearer ${KEY}` }),
      jwt: () => upgrade(secured, { authorization: `Bearer ${jwt}` }),
      ticket: async () => {
        const started = performance.now();
        const bought = await facade.ticket(`Bearer ${KEY}`, { agent: "secured" });
        const ms = await upgrade(facade.wsUrl({ agent: "secured", ticket: String(bought.body.ticket) }));
        roundTrips.push(performance.now() - started);
        return ms;
      },
    };
    // Unmeasured: connections, the JWKS fetch, JIT.
    for (const method of METHODS) for (let i = 0; i < 20; i++) await once[method]();
    roundTrips.length = 0;
    for (let i = 0; i < options.upgrades; i++) {
      for (const method of METHODS) {
        try {
          samples[method].push(await once[method]());
        } catch {
          failures++;
        }
      }
    }
  } finally {
    await Promise.all([facade.stop(), open.stop()]);
    await Promise.all([runtime.stop(500), issuer.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    upgrades: options.upgrades,
    upgradeMs: { open: summarize(samples.open), api_key: summarize(samples.api_key), jwt: summarize(samples.jwt), ticket: summarize(samples.ticket) },
    ticketRoundTripMs: summarize(roundTrips),
    failures,
  };
}

export function authCostSection(r: AuthCostResult | undefined, upgrades: number): BenchSection {
  const open = r?.upgradeMs.open;
  const row = (label: string, s: Summary | undefined, pct: "p50" | "p99") => ({ label: `auth: upgrade ${label} ${pct} (ms)`, value: s?.[pct], baseline: open?.[pct], digits: 3 });
  const notes = r && r.failures > 0 ? [`${r.failures} upgrades failed`] : [];
  const figures: Record<string, number | null> = { upgrades, failures: r?.failures ?? null };
  for (const method of METHODS) {
    figures[`${method}_ms_p50`] = r?.upgradeMs[method].p50 ?? null;
    figures[`${method}_ms_p99`] = r?.upgradeMs[method].p99 ?? null;
  }
  figures.ticket_round_trip_ms_p50 = r?.ticketRoundTripMs.p50 ?? null;
  return {
    name: "auth",
    about: `auth: ${upgrades} WebSocket upgrades per method, one at a time, to 101; baseline = the same upgrade to an open agent`,
    rows: [
      row("open", open, "p50"),
      row("API key", r?.upgradeMs.api_key, "p50"),
      row("API key", r?.upgradeMs.api_key, "p99"),
      row("OIDC JWT", r?.upgradeMs.jwt, "p50"),
      row("OIDC JWT", r?.upgradeMs.jwt, "p99"),
      row("ticket redeem", r?.upgradeMs.ticket, "p50"),
      row("ticket redeem", r?.upgradeMs.ticket, "p99"),
      { label: "auth: ticket buy + upgrade p50 (ms)", value: r?.ticketRoundTripMs.p50, baseline: open?.p50, digits: 3 },
    ],
    figures,
    notes,
  };
}
