// Every Kubernetes object in a directory's YAML files (multi-document files too), in file-name
// order; kustomize's own kustomization.yaml is not an object and is left out.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

export interface KubeObjectLike {
  apiVersion?: string;
  kind?: string;
  [field: string]: unknown;
}

export async function yamlObjects<T extends KubeObjectLike = KubeObjectLike>(dir: string): Promise<T[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(".yaml") && n !== "kustomization.yaml").sort();
  const objects: T[] = [];
  for (const name of names) {
    for (const doc of parseAllDocuments(await readFile(join(dir, name), "utf8"))) {
      const value = doc.toJS() as T | null;
      if (value) objects.push(value);
    }
  }
  return objects;
}
