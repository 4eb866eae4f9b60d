import type { V1Container, V1EnvVar } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { loadManifestDir } from "../../shared/manifests/load-manifests.js";
import { resolveAgents } from "../../shared/manifests/resolve-agent.js";
import { packConfigMap, promptPack, validPackJson } from "../../shared/manifests/test-fixtures.js";
import { validateKubernetesObject } from "../testing/kubernetes-schema.js";
import { type AgentCase, resolvedAgent } from "../testing/resolved-agent.js";
import type { DesiredAutoscaler } from "./autoscaler.js";
import type { DesiredDeployment } from "./deployment.js";
import { type DesiredObject, desired } from "./desired.js";
import { DesiredStateError } from "./inputs.js";
import type { DesiredService } from "./service.js";

const TOKEN = "test-bridge-token-0123456789";
const EDGE_AUTH = { oidc: { issuer: "https://issuer.example.com", audience: "omnia" } };
/** What an edge facade's agent becomes, in apply order. */
const EDGE_OBJECTS = ["ConfigMap/assistant-tools", "Secret/assistant-bridge-token", "ConfigMap/assistant-edge-worker", "Deployment/assistant", "Service/assistant"];

function render(c: AgentCase, bridgeToken?: string): DesiredObject[] {
  return desired({ resolved: resolvedAgent(c), ...(bridgeToken !== undefined ? { bridgeToken } : {}) });
}

const find = <K extends DesiredObject["kind"]>(objects: DesiredObject[], kind: K, name?: string) =>
  objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name)) as Extract<DesiredObject, { kind: K }> | undefined;

const deployment = (objects: DesiredObject[]) => find(objects, "Deployment") as DesiredDeployment;
const container = (objects: DesiredObject[], name: string) =>
  deployment(objects).spec?.template.spec?.containers.find((c) => c.name === name) as V1Container;
const env = (c: V1Container, name: string): V1EnvVar | undefined => c.env?.find((e) => e.name === name);
const summary = (objects: DesiredObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);

interface Case {
  name: string;
  agent: AgentCase;
  bridgeToken?: string;
  check: (objects: DesiredObject[]) => void;
}

const cases: Case[] = [
  {
    name: "a plain agent: tools ConfigMap, Deployment with facade and runtime, Service",
    agent: { spec: { toolRegistryRef: { name: "assistant-tools" } } },
    check: (objects) => {
      expect(summary(objects)).toEqual(["ConfigMap/assistant-tools", "Deployment/assistant", "Service/assistant"]);
      const d = deployment(objects);
      expect(d.spec?.replicas).toBe(1);
      expect(d.spec?.selector.matchLabels).toEqual({
        "app.kubernetes.io/name": "omnia-agent",
        "app.kubernetes.io/instance": "assistant",
        "app.kubernetes.io/managed-by": "omnia-operator",
        "omnia.altairalabs.ai/component": "agent",
      });
      expect(d.spec?.template.metadata?.labels).toEqual(d.spec?.selector.matchLabels);
      const facade = container(objects, "facade");
      const runtime = container(objects, "runtime");
      expect(facade.ports?.map((p) => [p.name, p.containerPort])).toEqual([["facade", 8080], ["facade-health", 8081]]);
      expect(runtime.ports?.map((p) => [p.name, p.containerPort])).toEqual([["grpc", 9000], ["runtime-health", 9001]]);
      expect(facade.readinessProbe?.httpGet).toEqual({ path: "/readyz", port: "facade-health" });
      expect(runtime.livenessProbe?.httpGet).toEqual({ path: "/healthz", port: "runtime-health" });
      expect(env(facade, "OMNIA_RUNTIME_ADDRESS")?.value).toBe("127.0.0.1:9000");
      expect(env(facade, "OMNIA_FACADE_HOST")?.value).toBe("0.0.0.0");
      expect(env(runtime, "OMNIA_PROMPTPACK_PATH")?.value).toBe("/etc/omnia/pack");
      expect(env(runtime, "OMNIA_TOOLS_CONFIG_PATH")?.value).toBe("/etc/omnia/tools/tools.yaml");
      expect(env(runtime, "OMNIA_GRPC_WEB_PORT")).toBeUndefined();
      expect(env(runtime, "OMNIA_REDIS_URL")).toBeUndefined();
      expect(runtime.volumeMounts).toEqual([
        { name: "promptpack-config", mountPath: "/etc/omnia/pack", readOnly: true },
        { name: "tools-config", mountPath: "/etc/omnia/tools", readOnly: true },
      ]);
      expect(d.spec?.template.spec?.volumes).toEqual([
        { name: "promptpack-config", configMap: { name: "assistant-pack" } },
        { name: "tools-config", configMap: { name: "assistant-tools" } },
      ]);
      expect(d.spec?.template.spec?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
      expect(facade.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
      const annotations = d.spec?.template.metadata?.annotations ?? {};
      expect(annotations["omnia.altairalabs.ai/pack-hash"]).toMatch(/^[0-9a-f]{16}$/);
      expect(annotations["omnia.altairalabs.ai/tools-hash"]).toMatch(/^[0-9a-f]{16}$/);
      expect(d.metadata.ownerReferences).toBeUndefined();
      const tools = find(objects, "ConfigMap", "assistant-tools");
      expect(tools?.data["tools.yaml"]).toContain("name: get_location");
      const svc = find(objects, "Service") as DesiredService;
      expect(svc.spec?.ports).toEqual([{ name: "facade", port: 8080, targetPort: "facade", protocol: "TCP" }]);
      expect(svc.spec?.selector).toEqual(d.spec?.selector.matchLabels);
    },
  },
  {
    name: "redis context: both containers read the same store URL from the Secret",
    agent: { spec: { context: { type: "redis", storeRef: { name: "session-store" } } } },
    check: (objects) => {
      const fromSecret = { name: "OMNIA_REDIS_URL", valueFrom: { secretKeyRef: { name: "session-store", key: "url" } } };
      expect(env(container(objects, "facade"), "OMNIA_REDIS_URL")).toEqual(fromSecret);
      expect(env(container(objects, "runtime"), "OMNIA_REDIS_URL")).toEqual(fromSecret);
    },
  },
  {
    name: "claude provider with a secretRef and no key: ANTHROPIC_API_KEY from the reference's default key",
    agent: { providerSpec: { type: "claude", model: "claude-sonnet-4", credential: { secretRef: { name: "anthropic" } } } },
    check: (objects) => {
      expect(env(container(objects, "runtime"), "ANTHROPIC_API_KEY")).toEqual({
        name: "ANTHROPIC_API_KEY",
        valueFrom: { secretKeyRef: { name: "anthropic", key: "ANTHROPIC_API_KEY" } },
      });
      expect(env(container(objects, "facade"), "ANTHROPIC_API_KEY")).toBeUndefined();
    },
  },
  {
    name: "openai provider with the legacy spec.secretRef and a key",
    agent: { providerSpec: { type: "openai", model: "gpt-5", secretRef: { name: "openai", key: "token" } } },
    check: (objects) => {
      expect(env(container(objects, "runtime"), "OPENAI_API_KEY")?.valueFrom).toEqual({ secretKeyRef: { name: "openai", key: "token" } });
    },
  },
  {
    name: "ollama provider with a secretRef: key api-key as OMNIA_PROVIDER_API_KEY",
    agent: { providerSpec: { type: "ollama", model: "llama3", credential: { secretRef: { name: "ollama" } } } },
    check: (objects) => {
      expect(env(container(objects, "runtime"), "OMNIA_PROVIDER_API_KEY")?.valueFrom).toEqual({ secretKeyRef: { name: "ollama", key: "api-key" } });
    },
  },
  {
    name: "autoscaling on: no replicas on the Deployment, an autoscaling/v2 HPA",
    agent: {
      spec: {
        runtime: {
          replicas: 3,
          resources: { requests: { cpu: "100m", memory: "128Mi" } },
          autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 10, targetCPU: 75 },
        },
      },
    },
    check: (objects) => {
      expect(summary(objects)).toContain("HorizontalPodAutoscaler/assistant");
      expect(deployment(objects).spec).not.toHaveProperty("replicas");
      const hpa = find(objects, "HorizontalPodAutoscaler") as DesiredAutoscaler;
      expect(hpa.spec).toEqual({
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "assistant" },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [
          { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 75 } } },
          { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 70 } } },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
      });
      expect(container(objects, "runtime").resources).toEqual({ requests: { cpu: "100m", memory: "128Mi" } });
    },
  },
  {
    name: "autoscaling with minReplicas 0: the HPA keeps one pod",
    agent: { spec: { runtime: { autoscaling: { enabled: true, minReplicas: 0 } } } },
    check: (objects) => expect((find(objects, "HorizontalPodAutoscaler") as DesiredAutoscaler).spec?.minReplicas).toBe(1),
  },
  {
    name: "autoscaling type keda: a ScaledObject instead of the HPA, still no replicas",
    agent: { spec: { runtime: { autoscaling: { enabled: true, type: "keda" } } } },
    check: (objects) => {
      expect(find(objects, "HorizontalPodAutoscaler")).toBeUndefined();
      expect(summary(objects)).toContain("ScaledObject/assistant");
      expect(deployment(objects).spec).not.toHaveProperty("replicas");
    },
  },
  {
    name: "edge placement: bridge Secret, Worker ConfigMap, gRPC-web port on the runtime and the Service",
    agent: {
      spec: {
        facades: [
          { type: "websocket", port: 8080 },
          { type: "websocket", placement: "edge", extraEnv: [{ name: "OMNIA_RUNTIME_URL", value: "https://bridge.example.com" }] },
        ],
        externalAuth: EDGE_AUTH,
      },
    },
    bridgeToken: TOKEN,
    check: (objects) => {
      expect(summary(objects)).toEqual(EDGE_OBJECTS);
      const secret = find(objects, "Secret");
      expect(Buffer.from(secret?.data.token ?? "", "base64").toString()).toBe(TOKEN);
      const runtime = container(objects, "runtime");
      expect(runtime.ports?.map((p) => p.containerPort)).toEqual([9000, 9001, 9002]);
      expect(env(runtime, "OMNIA_GRPC_WEB_PORT")?.value).toBe("9002");
      expect(env(runtime, "OMNIA_GRPC_WEB_HOST")?.value).toBe("0.0.0.0");
      expect(env(runtime, "OMNIA_BRIDGE_TOKEN_FILE")?.value).toBe("/etc/omnia/bridge/token");
      expect(runtime.volumeMounts).toContainEqual({ name: "bridge-token", mountPath: "/etc/omnia/bridge", readOnly: true });
      expect(deployment(objects).spec?.template.spec?.volumes).toContainEqual({ name: "bridge-token", secret: { secretName: "assistant-bridge-token" } });
      expect(deployment(objects).spec?.template.metadata?.annotations?.["omnia.altairalabs.ai/bridge-token-hash"]).toMatch(/^[0-9a-f]{16}$/);
      expect((find(objects, "Service") as DesiredService).spec?.ports?.map((p) => [p.name, p.port])).toEqual([["facade", 8080], ["grpc-web", 9002]]);
      const worker = find(objects, "ConfigMap", "assistant-edge-worker");
      expect(JSON.parse(worker?.data["vars.json"] ?? "")).toEqual({
        OMNIA_AGENT_NAME: "assistant",
        OMNIA_NAMESPACE: "default",
        OMNIA_RUNTIME_URL: "https://bridge.example.com",
        OMNIA_ALLOWED_ORIGINS: "",
        OMNIA_SESSION_TTL: "24h",
        OMNIA_EXTERNAL_AUTH: expect.stringContaining('"issuer":"https://issuer.example.com"'),
      });
      const toml = worker?.data["wrangler.toml"] ?? "";
      expect(toml).toContain('name = "omnia-default-assistant"');
      expect(toml).toContain('OMNIA_RUNTIME_URL = "https://bridge.example.com"');
      expect(toml).not.toContain(TOKEN);
    },
  },
  {
    name: "an edge facade with expose {enabled, host}: an Ingress <name>-grpc-web to the Service's grpc-web port, and the Worker's runtime URL is https://<host>",
    agent: { spec: { facades: [{ type: "websocket", placement: "edge", expose: { enabled: true, host: "bridge.example.com" } }], externalAuth: EDGE_AUTH } },
    bridgeToken: TOKEN,
    check: (objects) => {
      expect(summary(objects)).toEqual([...EDGE_OBJECTS, "Ingress/assistant-grpc-web"]);
      const ingress = find(objects, "Ingress")!;
      expect(ingress.metadata.labels).toEqual(find(objects, "Service")!.metadata.labels);
      expect(ingress.metadata.annotations).toBeUndefined();
      expect(ingress.spec).toEqual({
        rules: [{ host: "bridge.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "assistant", port: { name: "grpc-web" } } } }] } }],
      });
      // The port it names is the Service's.
      expect((find(objects, "Service") as DesiredService).spec?.ports?.map((p) => p.name)).toContain("grpc-web");
      const vars = JSON.parse(find(objects, "ConfigMap", "assistant-edge-worker")?.data["vars.json"] ?? "") as Record<string, string>;
      expect(vars.OMNIA_RUNTIME_URL).toBe("https://bridge.example.com");
    },
  },
  {
    name: "an exposed edge facade whose extraEnv sets OMNIA_RUNTIME_URL keeps the user's URL (the Ingress is still made)",
    agent: {
      spec: {
        facades: [{ placement: "edge", expose: { enabled: true, host: "bridge.example.com" }, extraEnv: [{ name: "OMNIA_RUNTIME_URL", value: "https://cdn.example.com/grpc" }] }],
        externalAuth: EDGE_AUTH,
      },
    },
    bridgeToken: TOKEN,
    check: (objects) => {
      expect(find(objects, "Ingress")?.spec?.rules?.[0]?.host).toBe("bridge.example.com");
      const vars = JSON.parse(find(objects, "ConfigMap", "assistant-edge-worker")?.data["vars.json"] ?? "") as Record<string, string>;
      expect(vars.OMNIA_RUNTIME_URL).toBe("https://cdn.example.com/grpc");
    },
  },
  ...[
    { why: "expose.enabled false", facades: [{ placement: "edge", expose: { enabled: false, host: "bridge.example.com" } }], auth: true },
    { why: "no host", facades: [{ placement: "edge", expose: { enabled: true } }], auth: true },
    { why: "a blank host", facades: [{ placement: "edge", expose: { enabled: true, host: " " } }], auth: true },
    { why: "a sidecar facade", facades: [{ type: "websocket", expose: { enabled: true, host: "bridge.example.com" } }], auth: true },
    { why: "an edge facade left out for want of externalAuth", facades: [{ type: "websocket" }, { placement: "edge", expose: { enabled: true, host: "bridge.example.com" } }], auth: false },
  ].map(
    ({ why, facades, auth }): Case => ({
      name: `no gRPC-web Ingress with ${why}; the Worker keeps the in-cluster runtime URL`,
      agent: { spec: { facades, ...(auth ? { externalAuth: EDGE_AUTH } : {}) } },
      bridgeToken: TOKEN,
      check: (objects) => {
        expect(find(objects, "Ingress")).toBeUndefined();
        const worker = find(objects, "ConfigMap", "assistant-edge-worker");
        if (worker) expect(JSON.parse(worker.data["vars.json"] ?? "").OMNIA_RUNTIME_URL).toBe("http://assistant.default.svc.cluster.local:9002");
      },
    }),
  ),
  {
    name: "an edge facade without externalAuth is not provisioned: the pod runs alone, no gRPC-web port, no bridge token",
    agent: { spec: { facades: [{ type: "websocket", port: 8080 }, { type: "websocket", placement: "edge" }] } },
    check: (objects) => {
      expect(summary(objects)).toEqual(["ConfigMap/assistant-tools", "Deployment/assistant", "Service/assistant"]);
      expect(container(objects, "runtime").ports?.map((p) => p.containerPort)).toEqual([9000, 9001]);
      expect(env(container(objects, "runtime"), "OMNIA_GRPC_WEB_PORT")).toBeUndefined();
    },
  },
  {
    name: "API keys: the facade gets spec.externalAuth and the keys Secret mounted whole (kubelet refreshes it)",
    agent: { spec: { externalAuth: { clientKeys: { secretRef: { name: "assistant-keys" } } } } },
    check: (objects) => {
      const facade = container(objects, "facade");
      expect(JSON.parse(env(facade, "OMNIA_EXTERNAL_AUTH")?.value ?? "")).toEqual({ clientKeys: { secretRef: { name: "assistant-keys" }, defaultRole: "viewer", trustEndUserHeader: false } });
      expect(env(facade, "OMNIA_AUTH_KEYS_DIR")?.value).toBe("/etc/omnia/auth-keys");
      expect(facade.volumeMounts).toEqual([{ name: "auth-keys", mountPath: "/etc/omnia/auth-keys", readOnly: true }]);
      expect(deployment(objects).spec?.template.spec?.volumes).toContainEqual({ name: "auth-keys", secret: { secretName: "assistant-keys" } });
      expect(container(objects, "runtime").volumeMounts?.map((m) => m.name)).not.toContain("auth-keys");
    },
  },
  {
    name: "media on local disk: OMNIA_MEDIA_* in both containers, one emptyDir both mount, the allowed types",
    agent: { spec: { media: { storage: { type: "local", maxFileSizeBytes: 1048576 } }, console: { allowedAttachmentTypes: ["image/*", "application/pdf"] } } },
    check: (objects) => {
      for (const name of ["facade", "runtime"]) {
        const c = container(objects, name);
        expect(env(c, "OMNIA_MEDIA_STORAGE_TYPE")?.value).toBe("local");
        expect(env(c, "OMNIA_MEDIA_STORAGE_PATH")?.value).toBe("/var/lib/omnia/media");
        expect(env(c, "OMNIA_MEDIA_MAX_FILE_SIZE")?.value).toBe("1048576");
        expect(env(c, "OMNIA_MEDIA_ALLOWED_TYPES")?.value).toBe("image/*,application/pdf");
        expect(c.volumeMounts).toContainEqual({ name: "media", mountPath: "/var/lib/omnia/media" });
      }
      expect(deployment(objects).spec?.template.spec?.volumes).toContainEqual({ name: "media", emptyDir: {} });
    },
  },
  {
    name: "media in S3 (MinIO endpoint): bucket settings as env, the credentials Secret's keys as env in both containers",
    agent: { spec: { media: { storage: { type: "s3", s3: { bucket: "uploads", region: "eu-west-1", endpoint: "http://minio:9000" }, secretRef: { name: "s3-creds" } } } } },
    check: (objects) => {
      for (const name of ["facade", "runtime"]) {
        const c = container(objects, name);
        expect(env(c, "OMNIA_MEDIA_S3_BUCKET")?.value).toBe("uploads");
        expect(env(c, "OMNIA_MEDIA_S3_ENDPOINT")?.value).toBe("http://minio:9000");
        expect(c.envFrom).toEqual([{ secretRef: { name: "s3-creds" } }]);
      }
    },
  },
  {
    name: "media in GCS: the service-account key file mounted and named by GOOGLE_APPLICATION_CREDENTIALS",
    agent: { spec: { media: { storage: { type: "gcs", gcs: { bucket: "b" }, secretRef: { name: "gcs-key" } } } } },
    check: (objects) => {
      const c = container(objects, "runtime");
      expect(env(c, "GOOGLE_APPLICATION_CREDENTIALS")?.value).toBe("/etc/omnia/media-credentials/key.json");
      expect(c.volumeMounts).toContainEqual({ name: "media-credentials", mountPath: "/etc/omnia/media-credentials", readOnly: true });
      expect(deployment(objects).spec?.template.spec?.volumes).toContainEqual({ name: "media-credentials", secret: { secretName: "gcs-key", items: [{ key: "key.json", path: "key.json" }] } });
    },
  },
  {
    name: "tool credentials are projected from the users' Secrets, one file per handler, without the operator reading them",
    agent: {
      spec: { toolRegistryRef: { name: "keyed-tools" } },
      extra: [
        {
          apiVersion: "omnia.altairalabs.ai/v1alpha1",
          kind: "ToolRegistry",
          metadata: { name: "keyed-tools", namespace: "default" },
          spec: {
            handlers: [
              { name: "weather", type: "http", httpConfig: { endpoint: "https://w.example.com", authType: "bearer", authSecretRef: { name: "weather-api", key: "api-token" } }, tool: { name: "get_weather", description: "w", inputSchema: { type: "object" } } },
              { name: "pets", type: "openapi", openAPIConfig: { specURL: "https://p.example.com/openapi.json", authType: "basic", authSecretRef: { name: "pets-login" } } },
              { name: "open", type: "http", httpConfig: { endpoint: "https://o.example.com" }, tool: { name: "open", description: "o", inputSchema: { type: "object" } } },
            ],
          },
        },
      ],
    },
    check: (objects) => {
      const runtime = container(objects, "runtime");
      expect(runtime.volumeMounts).toContainEqual({ name: "tool-secrets", mountPath: "/etc/omnia/tool-secrets", readOnly: true });
      expect(deployment(objects).spec?.template.spec?.volumes).toContainEqual({
        name: "tool-secrets",
        projected: {
          sources: [
            { secret: { name: "weather-api", items: [{ key: "api-token", path: "weather" }] } },
            { secret: { name: "pets-login", items: [{ key: "token", path: "pets" }] } },
          ],
        },
      });
    },
  },
  {
    name: "an AgentRuntime read from a cluster (with a uid) owns every object",
    agent: { metadata: { uid: "0b1c2d3e-0000-4000-8000-000000000001" } },
    check: (objects) => {
      for (const object of objects) {
        expect(object.metadata.ownerReferences).toEqual([
          {
            apiVersion: "omnia.altairalabs.ai/v1alpha1",
            kind: "AgentRuntime",
            name: "assistant",
            uid: "0b1c2d3e-0000-4000-8000-000000000001",
            controller: true,
            blockOwnerDeletion: true,
          },
        ]);
      }
    },
  },
  {
    name: "user extraEnv wins over ours and keeps valueFrom; extraPodAnnotations cannot replace the hashes",
    agent: {
      spec: {
        facades: [{ extraEnv: [{ name: "OMNIA_HEALTH_PORT", value: "8082" }], drainTimeout: "60s" }],
        runtime: { extraEnv: [{ name: "LOG_LEVEL", valueFrom: { configMapKeyRef: { name: "logging", key: "level" } } }] },
        extraPodAnnotations: { team: "search", "omnia.altairalabs.ai/pack-hash": "mine" },
      },
    },
    check: (objects) => {
      const facade = container(objects, "facade");
      expect(facade.env?.filter((e) => e.name === "OMNIA_HEALTH_PORT")).toEqual([{ name: "OMNIA_HEALTH_PORT", value: "8082" }]);
      expect(env(container(objects, "runtime"), "LOG_LEVEL")).toEqual({
        name: "LOG_LEVEL",
        valueFrom: { configMapKeyRef: { name: "logging", key: "level" } },
      });
      const template = deployment(objects).spec?.template;
      expect(template?.metadata?.annotations?.team).toBe("search");
      expect(template?.metadata?.annotations?.["omnia.altairalabs.ai/pack-hash"]).not.toBe("mine");
      expect(template?.spec?.terminationGracePeriodSeconds).toBe(75);
    },
  },
];

describe("desired(AgentRuntime)", () => {
  it.each(cases)("$name", ({ agent, bridgeToken, check }) => {
    const objects = render(agent, bridgeToken);
    check(objects);
    for (const object of objects) validateKubernetesObject(object);
  });

  it("is pure: the same inputs give equal objects, and the inputs are not changed", () => {
    const resolved = resolvedAgent({ spec: { runtime: { autoscaling: { enabled: true } } } });
    const before = structuredClone(resolved);
    expect(desired({ resolved, bridgeToken: TOKEN })).toEqual(desired({ resolved, bridgeToken: TOKEN }));
    expect(resolved).toEqual(before);
  });

  it("rolls the pods when the pack content changes, and only then", () => {
    const hash = (objects: DesiredObject[]) => deployment(objects).spec?.template.metadata?.annotations?.["omnia.altairalabs.ai/pack-hash"];
    const changed = { ...validPackJson, description: "changed" };
    const original = hash(render({}));
    expect(hash(render({}))).toBe(original);
    // A different pack.json in the pack ConfigMap (same name) gives a different hash.
    const resolved = resolvedAgent();
    const edited = { ...resolved, packJson: packConfigMap("assistant-pack", changed).data["pack.json"] };
    expect(hash(desired({ resolved: edited }))).not.toBe(original);
  });

  it("a rollout runs the candidate in a canary Deployment behind the same Service, replicas by the step's weight", () => {
    const nextPack = { ...validPackJson, version: "2.0.0" };
    const extra = [packConfigMap("next-pack", nextPack), { ...promptPack("next", "next-pack"), spec: { ...promptPack("next", "next-pack").spec, version: "2.0.0" } }];
    const stable = resolvedAgent({ spec: { runtime: { replicas: 4 } }, extra });
    const candidate = resolvedAgent({ spec: { runtime: { replicas: 4 }, promptPackRef: { name: "next" } }, extra });
    const objects = desired({ resolved: stable, canary: { resolved: candidate, weight: 25, ownTools: false } });
    expect(summary(objects)).toEqual(["ConfigMap/assistant-tools", "Deployment/assistant", "Deployment/assistant-canary", "Service/assistant"]);
    const main = find(objects, "Deployment", "assistant") as DesiredDeployment;
    const canary = find(objects, "Deployment", "assistant-canary") as DesiredDeployment;
    expect([main.spec?.replicas, canary.spec?.replicas]).toEqual([3, 1]);
    const service = find(objects, "Service") as DesiredService;
    // The Service selects both; the canary's selector is its own (the track label).
    expect(canary.spec?.template.metadata?.labels).toMatchObject(service.spec?.selector ?? {});
    expect(canary.spec?.selector.matchLabels).toEqual({ ...main.spec?.selector.matchLabels, "omnia.altairalabs.ai/track": "canary" });
    expect(canary.spec?.template.spec?.volumes).toContainEqual({ name: "promptpack-config", configMap: { name: "next-pack" } });
    expect(canary.spec?.template.spec?.volumes).toContainEqual({ name: "tools-config", configMap: { name: "assistant-tools" } });
    expect(canary.spec?.template.metadata?.annotations?.["omnia.altairalabs.ai/pack-hash"]).not.toBe(main.spec?.template.metadata?.annotations?.["omnia.altairalabs.ai/pack-hash"]);
    for (const object of objects) validateKubernetesObject(object);
    // At 100% the stable Deployment is scaled to zero until the user promotes or rolls back.
    const full = desired({ resolved: stable, canary: { resolved: candidate, weight: 100, ownTools: true } });
    expect(summary(full)).toContain("ConfigMap/assistant-canary-tools");
    expect([(find(full, "Deployment", "assistant") as DesiredDeployment).spec?.replicas, (find(full, "Deployment", "assistant-canary") as DesiredDeployment).spec?.replicas]).toEqual([0, 4]);
  });

  it("refuses an edge facade without a bridge token rather than inventing one", () => {
    expect(() => render({ spec: { facades: [{ placement: "edge" }], externalAuth: EDGE_AUTH } })).toThrow(DesiredStateError);
    expect(() => render({ spec: { facades: [{ placement: "edge" }], externalAuth: EDGE_AUTH } })).toThrow(/pass its bridge token/);
  });

  it("renders the deploy/examples agents into objects the Kubernetes schemas accept", async () => {
    const agents = resolveAgents(await loadManifestDir("deploy/examples"));
    expect(agents.map((a) => a.agent.metadata.name)).toEqual(["assistant", "secured"]);
    for (const resolved of agents) {
      const objects = desired({ resolved });
      const name = resolved.agent.metadata.name;
      expect(summary(objects)).toEqual([`ConfigMap/${name}-tools`, `Deployment/${name}`, `Service/${name}`]);
      for (const object of objects) validateKubernetesObject(object);
      // The example's own mock-scenarios volume is mounted beside ours, and its content hashed.
      expect(container(objects, "runtime").volumeMounts).toContainEqual({ name: "mock", mountPath: "/etc/omnia/mock" });
      expect(deployment(objects).spec?.template.metadata?.annotations?.["omnia.altairalabs.ai/mock-config-hash"]).toMatch(/^[0-9a-f]{16}$/);
    }
  });
});
