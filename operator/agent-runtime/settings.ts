// What the operator itself is configured with (not part of any AgentRuntime): default images.
export interface OperatorSettings {
  images: { facade: string; runtime: string };
  imagePullPolicy: "Always" | "IfNotPresent" | "Never";
}

export const DEFAULT_SETTINGS: OperatorSettings = {
  images: { facade: "omnia-facade:latest", runtime: "omnia-runtime:latest" },
  imagePullPolicy: "IfNotPresent",
};
