// Basic `{{name}}` substitution (template_engine feature basic_substitution). Fragments,
// conditionals, loops and filters come with the full template engine.

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

/** Names used as `{{name}}` in a template, in order of first use. */
export function templateVariables(template: string): string[] {
  return [...new Set(Array.from(template.matchAll(PLACEHOLDER), (m) => m[1] as string))];
}

/** Replaces each `{{ name }}` that has a value; a placeholder without one is left as written. */
export function renderTemplate(template: string, values: ReadonlyMap<string, string>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => values.get(name) ?? whole);
}
