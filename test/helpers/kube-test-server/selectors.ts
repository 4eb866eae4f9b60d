// Label selectors (`a=b,c!=d,e in (x,y),f notin (z),g,!h`) and the field selectors every type
// supports (`metadata.name`, `metadata.namespace`).
import { badRequest } from "./status.js";
import type { KubeObject } from "./objects.js";

export type Selector = (obj: KubeObject) => boolean;

function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of selector) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      terms.push(current.trim());
      current = "";
    } else current += ch;
  }
  if (current.trim()) terms.push(current.trim());
  return terms.filter(Boolean);
}

export function parseLabelSelector(selector: string | null): Selector {
  if (!selector) return () => true;
  const tests = splitTerms(selector).map((term): ((labels: Record<string, string>) => boolean) => {
    let m = /^(!)?\s*([\w./-]+)$/.exec(term);
    if (m) {
      const [, not, key] = m;
      return (labels) => (key! in labels) !== Boolean(not);
    }
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(term);
    if (m) {
      const [, key, op, value] = m;
      return op === "!=" ? (labels) => labels[key!] !== value : (labels) => labels[key!] === value;
    }
    m = /^([\w./-]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (m) {
      const [, key, op, list] = m;
      const values = list!.split(",").map((v) => v.trim());
      return op === "in" ? (labels) => key! in labels && values.includes(labels[key!]!) : (labels) => !(key! in labels) || !values.includes(labels[key!]!);
    }
    throw badRequest(`unable to parse requirement: found '${term}', the test server understands =, ==, !=, in, notin, exists and !exists`);
  });
  return (obj) => tests.every((t) => t(obj.metadata.labels ?? {}));
}

export function parseFieldSelector(selector: string | null): Selector {
  if (!selector) return () => true;
  const tests = splitTerms(selector).map((term): Selector => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${term}'; can't understand '${term}'`);
    const [, field, op, value] = m;
    const read = field === "metadata.name" ? (o: KubeObject) => o.metadata.name : field === "metadata.namespace" ? (o: KubeObject) => o.metadata.namespace ?? "" : undefined;
    if (!read) throw badRequest(`field label not supported: ${field}`);
    return op === "!=" ? (o) => read(o) !== value : (o) => read(o) === value;
  });
  return (obj) => tests.every((t) => t(obj));
}
