// The filters a template may apply with `{{ value | name arg }}` (template_engine feature
// `filters`); variable bindings use the same names for their `filter`. Each filter is total: any
// value in, a value out, so a turn never fails on a filter.

export type FilterArg = string | number;
type Filter = (value: unknown, args: readonly FilterArg[]) => unknown;

/** A value as it appears in rendered text: strings as-is, scalars as text, structures as JSON. */
export function asText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

const upper: Filter = (value) => asText(value).toUpperCase();
const lower: Filter = (value) => asText(value).toLowerCase();

const FILTERS: Readonly<Record<string, Filter>> = {
  upper,
  uppercase: upper,
  lower,
  lowercase: lower,
  trim: (value) => asText(value).trim(),
  capitalize: (value) => {
    const text = asText(value);
    return text.charAt(0).toUpperCase() + text.slice(1);
  },
  title: (value) => asText(value).replace(/(^|\s)(\p{L})/gu, (_, space: string, letter: string) => space + letter.toUpperCase()),
  json: (value) => JSON.stringify(value ?? null),
  join: (value, [separator = ", "]) => (Array.isArray(value) ? value.map(asText).join(String(separator)) : asText(value)),
  default: (value, [fallback = ""]) => (isEmpty(value) ? fallback : value),
  truncate: (value, [length = 80]) => {
    const chars = Array.from(asText(value));
    const max = Math.max(0, Math.floor(Number(length)));
    return chars.length > max ? `${chars.slice(0, max).join("")}…` : chars.join("");
  },
  length: (value) => (Array.isArray(value) ? value.length : typeof value === "object" && value !== null ? Object.keys(value).length : Array.from(asText(value)).length),
};

export const FILTER_NAMES: readonly string[] = Object.keys(FILTERS);

export function isFilter(name: string): boolean {
  return Object.hasOwn(FILTERS, name);
}

/** Applies a filter checked with isFilter beforehand. */
export function applyFilter(name: string, value: unknown, args: readonly FilterArg[] = []): unknown {
  const filter = FILTERS[name];
  if (!filter) throw new Error(`unknown filter "${name}"`);
  return filter(value, args);
}

/** Falsy for `{{#if}}` and `default`: nothing, false, 0, "", [] and {}. */
export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}
