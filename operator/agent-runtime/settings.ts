// What the operator itself is configured with (not part of any AgentRuntime): default images, and
// where the edge Worker's prebuilt bundle is and which Cloudflare API it is uploaded to.
export interface EdgeWorkerSettings {
  /** The Worker bundle (one ES module, built from facade/edge/worker.ts like deploy/edge/bundle-worker.ts). */
  bundlePath: string;
  /** Cloudflare's API base, up to and including `/client/v4`. */
  cloudflareApiUrl: string;
}

export interface OperatorSettings {
  images: { facade: string; runtime: string };
  imagePullPolicy: "Always" | "IfNotPresent" | "Never";
  edgeWorker: EdgeWorkerSettings;
}

export const DEFAULT_SETTINGS: OperatorSettings = {
  // One image for every role (Dockerfile); the container's first argument picks the role.
  images: { facade: "omnia:latest", runtime: "omnia:latest" },
  imagePullPolicy: "IfNotPresent",
  // The Dockerfile builds the bundle into the image there.
  edgeWorker: { bundlePath: "/app/dist/edge-worker.js", cloudflareApiUrl: "https://api.cloudflare.com/client/v4" },
};
