import { describe, expect, it } from "vitest";
import { ALL_TEMPLATE_FEATURES, compileTemplate, TemplateError, type TemplateFeature } from "./render-template.js";

const FRAGMENTS = {
  greeting: "Hello {{user}}!",
  signoff: "{{> greeting}} Bye.",
  loop_a: "{{> loop_b}}",
  loop_b: "{{> loop_a}}",
};

function render(template: string, values: Record<string, unknown>, features: readonly TemplateFeature[] = ALL_TEMPLATE_FEATURES): string {
  return compileTemplate(template, { features: new Set(features), fragments: FRAGMENTS, source: "test" }).render(new Map(Object.entries(values)));
}

describe("compileTemplate: rendering", () => {
  const cases: Array<[string, string, Record<string, unknown>, string]> = [
    ["substitution with spaces in the braces", "Hi {{user}}, be {{ tone }} ({{  tone}}).", { user: "Ada", tone: "kind" }, "Hi Ada, be kind (kind)."],
    ["a name no variable declares stays as written", "{{unknown}} {{user}}", { user: "Ada" }, "{{unknown}} Ada"],
    ["a declared variable without a value renders empty", "[{{lang}}]", { lang: undefined }, "[]"],
    ["a value is never parsed again", "{{a}} {{b}}", { a: "{{b}}", b: "x" }, "{{b}} x"],
    ["numbers, booleans and structures", "{{n}} {{t}} {{o}}", { n: 3, t: true, o: { a: [1] } }, '3 true {"a":[1]}'],
    ["dotted paths read own fields only", "{{u.city}}|{{u.constructor}}|{{xs.1}}", { u: { city: "Paris" }, xs: ["a", "b"] }, "Paris||b"],
    ["text that is not an expression stays", "{{ see the manual }}", {}, "{{ see the manual }}"],
    ["fragments, nested, with variables", "{{> signoff}}", { user: "Ada" }, "Hello Ada! Bye."],
    ["if / else", "{{#if vip}}VIP{{else}}regular{{/if}}", { vip: false }, "regular"],
    ["if on a non-empty list", "{{#if xs}}some{{/if}}", { xs: [1] }, "some"],
    ["unless", "{{#unless vip}}plain{{/unless}}", { vip: "" }, "plain"],
    ["if on an unknown name is false", "{{#if nope}}yes{{else}}no{{/if}}", {}, "no"],
    ["each over a list with @index, @first, @last", "{{#each xs}}{{@index}}:{{this}}{{#unless @last}}, {{/unless}}{{/each}}", { xs: ["a", "b"] }, "0:a, 1:b"],
    ["each over objects reads their fields", "{{#each orders}}#{{id}} {{item}} for {{user}};{{/each}}", { user: "Ada", orders: [{ id: 1, item: "tea" }, { id: 2, item: "cake" }] }, "#1 tea for Ada;#2 cake for Ada;"],
    ["each over an object's entries", "{{#each m}}{{@key}}={{this}} {{/each}}", { m: { a: 1, b: 2 } }, "a=1 b=2 "],
    ["each else when empty", "{{#each xs}}x{{else}}none{{/each}}", { xs: [] }, "none"],
    ["filters with arguments", '{{ name | upper }} {{ xs | join " / " }} {{ missing | default "friend" }} {{ long | truncate 3 }}', { name: "ada", xs: ["a", "b"], missing: "", long: "abcdef" }, "ADA a / b friend abc…"],
    ["chained filters", "{{ s | trim | capitalize }} {{ s | title | length }}", { s: "  hello world " }, "Hello world 14"],
    ["json filter", "{{ o | json }}", { o: "a\"b" }, '"a\\"b"'],
  ];
  it.each(cases)("%s", (_name, template, values, expected) => {
    expect(render(template, values)).toBe(expected);
  });

  it("lists the names a template reads, loop-local names excluded", () => {
    const compiled = compileTemplate("{{a}} {{#if b}}{{#each c}}{{this}}{{@index}}{{/each}}{{/if}} {{a}}", { features: new Set(ALL_TEMPLATE_FEATURES), fragments: {}, source: "t" });
    expect(compiled.names).toEqual(["a", "b", "c"]);
  });
});

describe("compileTemplate: start-up errors", () => {
  const cases: Array<[string, string, readonly TemplateFeature[], RegExp]> = [
    ["an undeclared feature", "{{#if a}}x{{/if}}", ["basic_substitution"], /line 1: \{\{#if\}\} needs template_engine feature "conditionals"/],
    ["fragments undeclared", "{{> greeting}}", ["basic_substitution"], /feature "fragments"/],
    ["loops undeclared", "{{#each xs}}{{/each}}", ["basic_substitution", "conditionals"], /feature "loops"/],
    ["an unknown fragment", "a\n{{> nope}}", ALL_TEMPLATE_FEATURES, /line 2: fragment "nope" is not in the pack's fragments/],
    ["a fragment cycle", "{{> loop_a}}", ALL_TEMPLATE_FEATURES, /includes itself \(loop_a > loop_b > loop_a\)/],
    ["an unclosed block", "{{#if a}}x", ALL_TEMPLATE_FEATURES, /\{\{#if\}\} is never closed/],
    ["a mismatched close", "{{#if a}}x{{/each}}", ALL_TEMPLATE_FEATURES, /\{\{\/each\}\} closes \{\{#if\}\}/],
    ["a stray else", "{{else}}", ALL_TEMPLATE_FEATURES, /\{\{else\}\} outside/],
    ["an unknown filter", "{{a | shout}}", ALL_TEMPLATE_FEATURES, /unknown filter "shout"/],
  ];
  it.each(cases)("%s", (_name, template, features, message) => {
    expect(() => compileTemplate(template, { features: new Set(features), fragments: FRAGMENTS, source: 'prompt "p"' })).toThrow(TemplateError);
    expect(() => compileTemplate(template, { features: new Set(features), fragments: FRAGMENTS, source: 'prompt "p"' })).toThrow(message);
  });

  it("treats a pipe as text when filters are not declared", () => {
    expect(render("{{a | b}} {{a}}", { a: "x" }, ["basic_substitution"])).toBe("{{a | b}} x");
  });
});
