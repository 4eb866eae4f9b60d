import { CoordinationV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../test/helpers/eventually.js";
import { startKubeTestServer, type KubeTestServer } from "../../test/helpers/kube-test-server.js";
import { LeaderElector } from "./leader-election.js";

let server: KubeTestServer;
beforeAll(async () => {
  server = await startKubeTestServer();
});
afterAll(async () => {
  await server?.close();
});

function elector(name: string, identity: string, events: string[]): LeaderElector {
  return new LeaderElector(server.kubeConfig().makeApiClient(CoordinationV1Api), {
    namespace: "omnia-system",
    name,
    identity,
    leaseDurationSeconds: 1,
    renewDeadlineMs: 300,
    retryPeriodMs: 50,
    onStartedLeading: () => events.push(`${identity} started`),
    onStoppedLeading: () => {
      events.push(`${identity} stopped`);
    },
  });
}

const leaseSpec = (name: string) => server.state.get("coordination.k8s.io/v1", "Lease", name, "omnia-system")?.spec as { holderIdentity?: string; leaseTransitions?: number } | undefined;

describe("LeaderElector", () => {
  it("stops leading when renewals fail past the renew deadline, and leads again once they succeed", async () => {
    const events: string[] = [];
    const a = elector("renew", "a", events);
    a.start();
    await eventually(async () => expect(a.isLeader).toBe(true));
    server.failNext(15, { path: "/leases/renew" });
    await eventually(async () => expect(events).toEqual(["a started", "a stopped"]));
    await eventually(async () => expect(events).toEqual(["a started", "a stopped", "a started"]));
    await a.stop();
    expect(events.at(-1)).toBe("a stopped");
  });

  it("stops leading at once when another holder took the Lease", async () => {
    const events: string[] = [];
    const a = elector("stolen", "a", events);
    a.start();
    await eventually(async () => expect(a.isLeader).toBe(true));
    server.state.mutate("coordination.k8s.io/v1", "Lease", "stolen", "omnia-system", (lease) => {
      lease.spec = { ...(lease.spec as object), holderIdentity: "x", renewTime: new Date(Date.now() + 60_000).toISOString(), leaseDurationSeconds: 60 };
    });
    await eventually(async () => expect(a.isLeader).toBe(false));
    expect(events).toEqual(["a started", "a stopped"]);
    await a.stop();
  });

  it("lets one of two campaigners lead, and hands over on release without waiting for expiry", async () => {
    const events: string[] = [];
    const a = elector("pair", "a", events);
    a.start();
    await eventually(async () => expect(a.isLeader).toBe(true));
    const b = elector("pair", "b", events);
    b.start();
    await new Promise((r) => setTimeout(r, 200));
    expect(b.isLeader).toBe(false);
    await a.stop();
    expect(leaseSpec("pair")?.holderIdentity).toBeUndefined();
    await eventually(async () => expect(b.isLeader).toBe(true), 500);
    expect(leaseSpec("pair")).toMatchObject({ holderIdentity: "b", leaseTransitions: 1 });
    await b.stop();
  });
});
