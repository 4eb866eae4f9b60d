// The pack's `{{variable}}` template engine. The PromptPack schema names the features
// (basic_substitution, fragments, conditionals, loops, filters) but not their syntax; ours is the
// Handlebars-style one below, compiled once at start so a broken template stops the runtime rather
// than a turn:
//   {{ name }}  {{ user.city }}                  basic_substitution (a name no variable declares stays as written)
//   {{> fragment_name }}                          fragments (the pack's `fragments`, themselves templates)
//   {{#if x}}…{{else}}…{{/if}}  {{#unless x}}…    conditionals (empty, false, 0, [], {} and missing are false)
//   {{#each items}}{{this}} {{@index}}{{/each}}   loops (arrays and objects; @index @first @last @key; an
//                                                 item's fields are names inside the loop; {{else}} when empty)
//   {{ name | upper }}  {{ xs | join ", " }}      filters (template-filters.ts)
// Values are inserted as text and never parsed again, so a value cannot inject template syntax.
import type { PackTemplateEngine } from "../../shared/manifests/pack-content.js";
import { applyFilter, asText, FILTER_NAMES, isEmpty, isFilter, type FilterArg } from "./template-filters.js";

export type TemplateFeature = NonNullable<PackTemplateEngine["features"]>[number];
export const ALL_TEMPLATE_FEATURES: readonly TemplateFeature[] = ["basic_substitution", "fragments", "conditionals", "loops", "filters"];

export class TemplateError extends Error {
  override readonly name = "TemplateError";
}

export interface TemplateOptions {
  features: ReadonlySet<TemplateFeature>;
  fragments: Readonly<Record<string, string>>;
  /** Where the template comes from, for errors ("prompt \"support\" system_template"). */
  source: string;
}

interface Expression {
  path: string[];
  filters: Array<{ name: string; args: FilterArg[] }>;
}

type Node =
  | { kind: "text"; text: string }
  | { kind: "value"; expression: Expression; raw: string }
  | { kind: "if"; negate: boolean; condition: Expression; then: Node[]; otherwise: Node[] }
  | { kind: "each"; items: Expression; body: Node[]; otherwise: Node[] };

/** What names resolve to while rendering: the variables, then loop scopes pushed on top. */
export type TemplateValues = ReadonlyMap<string, unknown>;

export interface CompiledTemplate {
  render(values: TemplateValues): string;
  /** Root names the template reads, in order of first use (for start-up checks). */
  readonly names: readonly string[];
}

const TAG = /\{\{([\s\S]*?)\}\}/g;
const PATH = /^(?:@?[A-Za-z_][\w-]*)(?:\.[A-Za-z_][\w-]*|\.\d+)*$/;
const MAX_FRAGMENT_DEPTH = 10;

export function compileTemplate(template: string, options: TemplateOptions): CompiledTemplate {
  const nodes = parse(template, options, []);
  const names = new Set<string>();
  collectNames(nodes, names);
  return { names: [...names], render: (values) => renderNodes(nodes, [values]) };
}

interface OpenBlock {
  kind: "if" | "unless" | "each";
  expression: Expression;
  main: Node[];
  otherwise: Node[];
  inElse: boolean;
  line: number;
}

function parse(template: string, options: TemplateOptions, fragmentChain: readonly string[]): Node[] {
  const where = fragmentChain.length > 0 ? `fragment "${fragmentChain.at(-1)}"` : options.source;
  const root: Node[] = [];
  const stack: OpenBlock[] = [];
  const target = (): Node[] => {
    const open = stack.at(-1);
    if (!open) return root;
    return open.inElse ? open.otherwise : open.main;
  };
  const fail = (index: number, message: string): never => {
    const line = template.slice(0, index).split("\n").length;
    throw new TemplateError(`${where}, line ${line}: ${message}`);
  };
  const need = (feature: TemplateFeature, index: number, what: string) => {
    if (!options.features.has(feature)) fail(index, `${what} needs template_engine feature "${feature}", which the pack does not declare`);
  };

  let last = 0;
  for (const match of template.matchAll(TAG)) {
    const index = match.index;
    if (index > last) target().push({ kind: "text", text: template.slice(last, index) });
    last = index + match[0].length;
    const body = (match[1] ?? "").trim();

    if (body.startsWith(">")) {
      need("fragments", index, `{{${match[1]}}}`);
      const name = body.slice(1).trim();
      const fragment = (Object.hasOwn(options.fragments, name) ? options.fragments[name] : undefined) ?? fail(index, `fragment "${name}" is not in the pack's fragments`);
      if (fragmentChain.includes(name)) fail(index, `fragment "${name}" includes itself (${[...fragmentChain, name].join(" > ")})`);
      if (fragmentChain.length >= MAX_FRAGMENT_DEPTH) fail(index, `fragments nest deeper than ${MAX_FRAGMENT_DEPTH}`);
      target().push(...parse(fragment, options, [...fragmentChain, name]));
      continue;
    }
    const open = /^#(if|unless|each)\s+(.+)$/s.exec(body);
    if (open) {
      const kind = open[1] as OpenBlock["kind"];
      need(kind === "each" ? "loops" : "conditionals", index, `{{#${kind}}}`);
      const expression = parseExpression(open[2] ?? "", options) ?? fail(index, `{{#${kind}}} needs a variable name, got "${open[2]}"`);
      stack.push({ kind, expression, main: [], otherwise: [], inElse: false, line: index });
      continue;
    }
    if (body === "else") {
      const block = stack.at(-1) ?? fail(index, "{{else}} outside {{#if}}, {{#unless}} or {{#each}}");
      if (block.inElse) fail(index, `a second {{else}} in {{#${block.kind}}}`);
      block.inElse = true;
      continue;
    }
    const close = /^\/(if|unless|each)$/.exec(body);
    if (close) {
      const block = stack.pop() ?? fail(index, `{{/${close[1]}}} without its {{#${close[1]}}}`);
      if (block.kind !== close[1]) fail(index, `{{/${close[1]}}} closes {{#${block.kind}}}`);
      const node: Node =
        block.kind === "each"
          ? { kind: "each", items: block.expression, body: block.main, otherwise: block.otherwise }
          : { kind: "if", negate: block.kind === "unless", condition: block.expression, then: block.main, otherwise: block.otherwise };
      target().push(node);
      continue;
    }
    const expression = parseExpression(body, options);
    if (expression === undefined) {
      // Not template syntax (e.g. "{{ see the manual }}"): the author's text stays as written.
      target().push({ kind: "text", text: match[0] });
      continue;
    }
    if (expression.filters.length > 0) need("filters", index, `{{${match[1]}}}`);
    for (const filter of expression.filters) {
      if (!isFilter(filter.name)) fail(index, `unknown filter "${filter.name}" (filters: ${FILTER_NAMES.join(", ")})`);
    }
    target().push({ kind: "value", expression, raw: match[0] });
  }
  const unclosed = stack.at(-1);
  if (unclosed) fail(unclosed.line, `{{#${unclosed.kind}}} is never closed with {{/${unclosed.kind}}}`);
  if (last < template.length) target().push({ kind: "text", text: template.slice(last) });
  return root;
}

/** `path (| filter arg…)*`, or undefined when the text is not an expression at all. */
function parseExpression(text: string, options: TemplateOptions): Expression | undefined {
  const [head = "", ...rest] = splitOutsideQuotes(text, "|");
  const path = head.trim();
  if (!PATH.test(path)) return undefined;
  // Without the filters feature a "|" is not syntax, so "{{a | b}}" is text rather than an error.
  if (rest.length > 0 && !options.features.has("filters")) return undefined;
  const filters: Expression["filters"] = [];
  for (const part of rest) {
    const words = splitOutsideQuotes(part.trim(), " ").filter((word) => word !== "");
    const [name, ...args] = words;
    if (!name) return undefined;
    filters.push({ name, args: args.map(parseArg) });
  }
  return { path: path.split("."), filters };
}

function parseArg(word: string): FilterArg {
  const quoted = /^(["'])([\s\S]*)\1$/.exec(word);
  if (quoted) return quoted[2] ?? "";
  const number = Number(word);
  return word !== "" && Number.isFinite(number) ? number : word;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quote: string | undefined;
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined;
      current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      current += char;
    } else if (char === separator) {
      parts.push(current);
      current = "";
    } else current += char;
  }
  parts.push(current);
  return parts;
}

function collectNames(nodes: readonly Node[], names: Set<string>): void {
  const add = (expression: Expression) => {
    const [root] = expression.path;
    if (root !== undefined && root !== "this" && !root.startsWith("@")) names.add(root);
  };
  for (const node of nodes) {
    if (node.kind === "value") add(node.expression);
    else if (node.kind === "if") {
      add(node.condition);
      collectNames(node.then, names);
      collectNames(node.otherwise, names);
    } else if (node.kind === "each") {
      add(node.items);
      collectNames(node.body, names);
      collectNames(node.otherwise, names);
    }
  }
}

type Scope = ReadonlyMap<string, unknown>;

function renderNodes(nodes: readonly Node[], scopes: readonly Scope[]): string {
  let out = "";
  for (const node of nodes) {
    switch (node.kind) {
      case "text":
        out += node.text;
        break;
      case "value": {
        const found = lookup(node.expression.path, scopes);
        out += found.known ? asText(filtered(found.value, node.expression)) : node.raw;
        break;
      }
      case "if": {
        const value = filtered(lookup(node.condition.path, scopes).value, node.condition);
        out += renderNodes(isEmpty(value) !== node.negate ? node.otherwise : node.then, scopes);
        break;
      }
      case "each":
        out += renderEach(node, scopes);
        break;
    }
  }
  return out;
}

function renderEach(node: Extract<Node, { kind: "each" }>, scopes: readonly Scope[]): string {
  const value = filtered(lookup(node.items.path, scopes).value, node.items);
  const entries: Array<[string | number, unknown]> = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : isPlainObject(value)
      ? Object.entries(value)
      : [];
  if (entries.length === 0) return renderNodes(node.otherwise, scopes);
  let out = "";
  entries.forEach(([key, item], index) => {
    const scope = new Map<string, unknown>([
      ["this", item],
      ["@index", index],
      ["@first", index === 0],
      ["@last", index === entries.length - 1],
      ["@key", key],
    ]);
    if (isPlainObject(item)) for (const [name, field] of Object.entries(item)) scope.set(name, field);
    out += renderNodes(node.body, [...scopes, scope]);
  });
  return out;
}

function filtered(value: unknown, expression: Expression): unknown {
  let result = value;
  for (const filter of expression.filters) result = applyFilter(filter.name, result, filter.args);
  return result;
}

/** The innermost scope that knows the root name wins; fields are read only as own data properties. */
function lookup(path: readonly string[], scopes: readonly Scope[]): { known: boolean; value: unknown } {
  const [root, ...fields] = path;
  if (root === undefined) return { known: false, value: undefined };
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i];
    if (!scope?.has(root)) continue;
    let value = scope.get(root);
    for (const field of fields) value = ownField(value, field);
    return { known: true, value };
  }
  return { known: false, value: undefined };
}

function ownField(value: unknown, field: string): unknown {
  if (Array.isArray(value)) return /^\d+$/.test(field) ? value[Number(field)] : undefined;
  if (isPlainObject(value) && Object.hasOwn(value, field)) return value[field];
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
