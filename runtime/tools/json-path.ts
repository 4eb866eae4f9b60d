// bodyMapping / responseMapping. The reference evaluates them as JMESPath; no JMESPath library is
// installed here, so this runtime reads the plain subset: dotted field names with [n] indexes
// (`data.items[0].name`, `@` for the whole value). Anything else is refused by name, not guessed.
const SEGMENT = /^([A-Za-z_$][\w$-]*)?((?:\[\d+\])*)$/;

export type PathStep = string | number;

/** Parses a mapping expression; throws an Error naming the expression when it is outside the subset. */
export function parsePath(expression: string): PathStep[] {
  const trimmed = expression.trim();
  if (trimmed === "@") return [];
  const steps: PathStep[] = [];
  for (const segment of trimmed.split(".")) {
    const match = SEGMENT.exec(segment);
    if (!match || segment === "") {
      throw new Error(`mapping "${expression}" is not supported: this runtime reads dotted paths with [n] indexes only (e.g. data.items[0].name)`);
    }
    if (match[1]) steps.push(match[1]);
    for (const index of (match[2] ?? "").matchAll(/\[(\d+)\]/g)) steps.push(Number(index[1]));
  }
  return steps;
}

/** The value at the path, or null where the path leads nowhere (as JMESPath answers). */
export function readPath(value: unknown, expression: string): unknown {
  let current = value;
  for (const step of parsePath(expression)) {
    if (typeof step === "number") {
      current = Array.isArray(current) ? current[step] : undefined;
    } else {
      current = isRecord(current) ? current[step] : undefined;
    }
    if (current === undefined) return null;
  }
  return current;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
