// What the operator itself is configured with (not part of any AgentRuntime): default images.
export interface OperatorSettings {
  images: { facade: string; runtime: string };
  imagePullPolicy: "Always" | "IfNotPresent" | "Never";
}

export const DEFAULT_SETTINGS: OperatorSettings = {
  // One image for every role (Dockerfile); the container's first argument picks the role.
  images: { facade: "omnia:latest", runtime: "omnia:latest" },
  imagePullPolicy: "IfNotPresent",
};
