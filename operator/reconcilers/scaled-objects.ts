// An AgentRuntime's KEDA ScaledObject, read and written through the API rather than an informer:
// KEDA's CRD may not be installed, and an informer on a resource the server does not serve fails
// for ever. Each pass with KEDA autoscaling reads the ScaledObject (one GET) and applies it only
// when it differs. Without the CRD the apply answers 404: reported as AutoscalingReady False
// (KedaNotInstalled), checked again a minute later, and the rest of the agent is reconciled as
// usual. The AutoscalingReady condition marks that KEDA is in play, so a ScaledObject no longer
// wanted is deleted when the stored status still carries it (no API call otherwise).
import { ApiException, type CustomObjectsApi, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { AgentRuntime } from "../../shared/manifests/agent-runtime.js";
import type { Condition, ConditionUpdate } from "../agent-runtime/conditions.js";
import { type DesiredScaledObject, KEDA_GROUP, KEDA_VERSION, SCALED_OBJECT_PLURAL } from "../agent-runtime/scaled-object.js";
import { FIELD_MANAGER, withAppliedHash } from "./applied-object.js";
import { containsFields } from "./compare.js";

export const AUTOSCALING_CONDITION = "AutoscalingReady";
/** How soon an agent whose ScaledObject could not be created looks again (KEDA may be installed meanwhile). */
export const KEDA_RECHECK_MS = 60_000;

export interface ScaledObjectsDeps {
  custom: CustomObjectsApi;
  log: Logger;
  requeueAfter?: (key: string, ms: number) => void;
}

const isCode = (err: unknown, code: number) => err instanceof ApiException && err.code === code;

export class ScaledObjects {
  constructor(private readonly deps: ScaledObjectsDeps) {}

  /**
   * Applies `wanted`, or deletes the agent's ScaledObject when none is wanted and `previous` shows
   * KEDA was in play. Returns the AutoscalingReady condition, or undefined when KEDA plays no part.
   */
  async reconcile(agent: AgentRuntime, wanted: DesiredScaledObject | undefined, previous: readonly Condition[] | undefined): Promise<ConditionUpdate | undefined> {
    const { namespace, name } = agent.metadata;
    const key = `${namespace}/${name}`;
    const where = { group: KEDA_GROUP, version: KEDA_VERSION, namespace, plural: SCALED_OBJECT_PLURAL, name };
    if (!wanted) {
      if (previous?.some((c) => c.type === AUTOSCALING_CONDITION)) {
        try {
          await this.deps.custom.deleteNamespacedCustomObject(where);
          this.deps.log.info({ agent: key, kind: "ScaledObject", name }, "deleted (no longer desired)");
        } catch (err) {
          if (!isCode(err, 404)) throw err;
        }
      }
      return undefined;
    }
    const body = withAppliedHash(wanted);
    let current: unknown;
    try {
      current = await this.deps.custom.getNamespacedCustomObject(where);
    } catch (err) {
      if (!isCode(err, 404)) throw err;
    }
    if (current === undefined || !containsFields(current, body)) {
      try {
        await this.deps.custom.patchNamespacedCustomObject(
          { ...where, body, fieldManager: FIELD_MANAGER, force: true },
          setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply),
        );
        this.deps.log.info({ agent: key, kind: "ScaledObject", name }, current ? "applied change" : "created");
      } catch (err) {
        // Apply creates what is absent: a 404 means the resource itself is not served.
        if (!isCode(err, 404)) throw err;
        this.deps.requeueAfter?.(key, KEDA_RECHECK_MS);
        return {
          type: AUTOSCALING_CONDITION,
          status: "False",
          reason: "KedaNotInstalled",
          message: `runtime.autoscaling.type is keda, but this cluster does not serve ${KEDA_GROUP}/${KEDA_VERSION} ScaledObjects: install KEDA (https://keda.sh) or use type hpa; until then nothing scales the Deployment`,
        };
      }
    }
    const { minReplicaCount, maxReplicaCount } = wanted.spec;
    return {
      type: AUTOSCALING_CONDITION,
      status: "True",
      reason: "ScaledObjectApplied",
      message: `KEDA scales the Deployment between ${minReplicaCount} and ${maxReplicaCount} replicas (ScaledObject ${name})`,
    };
  }
}
