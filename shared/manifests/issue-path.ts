// Turns valibot issues into the form users know from kubectl: a dotted field path
// (`spec.facades[0].port`) and a short message.
import type * as v from "valibot";

type Issue = v.BaseIssue<unknown>;

export function issuePath(issue: Issue): string {
  let out = "";
  for (const item of issue.path ?? []) {
    const key: unknown = item.key;
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string") out += out === "" ? key : `.${key}`;
    else out += `[${String(key)}]`;
  }
  return out;
}

/** valibot's text for a missing field ("Invalid key: Expected \"x\" but received undefined") says "required". */
export function issueMessage(issue: Issue): string {
  if (issue.input === undefined && (issue.path?.length ?? 0) > 0) return "required";
  return issue.message;
}

export function describeIssues(issues: readonly Issue[]): Array<{ field: string; message: string }> {
  return issues.map((issue) => ({ field: issuePath(issue), message: issueMessage(issue) }));
}
