// Loaded OpenAPI specs, one per handler: discovery fills it at runtime start and the adapter
// calls through it, so the spec is fetched once, not per call.
import type { ToolHandler } from "../../../shared/manifests/tool-registry.js";
import { loadOpenApiService, type OpenApiService } from "./openapi-operations.js";

export class OpenApiServices {
  private readonly loaded = new Map<string, Promise<OpenApiService>>();

  get(handler: ToolHandler, signal: AbortSignal): Promise<OpenApiService> {
    const config = handler.openAPIConfig;
    if (!config) return Promise.reject(new Error(`handler "${handler.name}" has no openAPIConfig`));
    let service = this.loaded.get(handler.name);
    if (!service) {
      service = loadOpenApiService(config, signal);
      this.loaded.set(handler.name, service);
      // A failed fetch is not remembered: the next call tries again.
      service.catch(() => this.loaded.delete(handler.name));
    }
    return service;
  }
}
