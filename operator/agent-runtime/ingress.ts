// The optional Ingress in front of the runtime's gRPC-web port, for an edge facade with
// `expose: {enabled: true, host}`: the Worker reaches the runtime at https://<host> instead of
// through a tunnel. No ingressClassName (the reference has no field for one: the cluster's default
// class takes it) and no annotations: gRPC-web is plain HTTP/1.1 (or h2) with ordinary request and
// response bodies, so no backend-protocol annotation is needed, unlike native gRPC.
import type { V1Ingress } from "@kubernetes/client-node";
import { grpcWebIngressName, PORT_NAMES } from "./constants.js";
import { type AgentRuntimeInputs, edgeFacade } from "./inputs.js";
import { type NamedMeta, objectMeta } from "./metadata.js";

export type DesiredIngress = V1Ingress & { apiVersion: "networking.k8s.io/v1"; kind: "Ingress"; metadata: NamedMeta };

/** The public host of the runtime's gRPC-web port, when the edge facade asks for an Ingress. */
export function grpcWebIngressHost(inputs: Pick<AgentRuntimeInputs, "resolved">): string | undefined {
  const expose = edgeFacade(inputs.resolved)?.expose;
  const host = expose?.host?.trim();
  return expose?.enabled === true && host !== undefined && host !== "" ? host : undefined;
}

export function desiredGrpcWebIngress(inputs: AgentRuntimeInputs): DesiredIngress | undefined {
  const host = grpcWebIngressHost(inputs);
  if (host === undefined) return undefined;
  const { agent } = inputs.resolved;
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: objectMeta(agent, grpcWebIngressName(agent.metadata.name)),
    spec: {
      rules: [
        {
          host,
          http: {
            paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: agent.metadata.name, port: { name: PORT_NAMES.grpcWeb } } } }],
          },
        },
      ],
    },
  };
}
