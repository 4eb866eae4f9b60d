import { describe, expect, it } from "vitest";
import type { Rollout } from "../../shared/manifests/agent-runtime.js";
import { rolloutProgress, splitReplicas } from "./rollout.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const minutes = (n: number) => n * 60_000;

const rollout = (steps: Rollout["steps"]): Rollout => ({ candidate: { promptPackRef: { name: "next" } }, steps });

describe("splitReplicas", () => {
  it.each([
    [4, 0, 4, 0],
    [4, 25, 3, 1],
    [4, 50, 2, 2],
    [4, 100, 0, 4],
    [1, 20, 1, 1],
    [10, 10, 9, 1],
    [10, 1, 9, 1],
    [3, 90, 1, 3],
  ])("%i replicas at %i%%: %i stable, %i canary", (total, weight, stable, canary) => {
    expect(splitReplicas(total, weight)).toEqual({ stable, canary });
  });
});

describe("rolloutProgress", () => {
  const steps = rollout([{ setWeight: 10, pause: { duration: "5m" } }, { setWeight: 50, pause: { duration: "10m" } }, { setWeight: 100 }]);

  it("starts a new rollout at step 0 and wakes when its pause ends", () => {
    expect(rolloutProgress(steps, undefined, T0)).toMatchObject({ step: 0, weight: 10, stepStartedAt: "2026-01-01T00:00:00.000Z", wakeInMs: minutes(5) });
  });

  it("stays on a step until its pause has passed, then moves on (several steps after a long wait)", () => {
    const first = rolloutProgress(steps, undefined, T0);
    expect(rolloutProgress(steps, first, T0 + minutes(3))).toMatchObject({ step: 0, wakeInMs: minutes(2) });
    expect(rolloutProgress(steps, first, T0 + minutes(6))).toMatchObject({ step: 1, weight: 50, stepStartedAt: "2026-01-01T00:05:00.000Z", wakeInMs: minutes(9) });
    const done = rolloutProgress(steps, first, T0 + minutes(60));
    expect(done).toMatchObject({ step: 2, weight: 100, stepStartedAt: "2026-01-01T00:15:00.000Z" });
    expect(done.wakeInMs).toBeUndefined();
  });

  it("waits on a pause without a duration for the user, and starts over when the rollout is edited", () => {
    const manual = rollout([{ setWeight: 20, pause: {} }, { setWeight: 100 }]);
    const first = rolloutProgress(manual, undefined, T0);
    expect(rolloutProgress(manual, first, T0 + minutes(600))).toMatchObject({ step: 0, weight: 20 });
    const edited = rollout([{ setWeight: 30, pause: {} }, { setWeight: 100 }]);
    expect(rolloutProgress(edited, { ...first, step: 1 }, T0 + minutes(1))).toMatchObject({ step: 0, weight: 30, stepStartedAt: "2026-01-01T00:01:00.000Z" });
  });
});
