// bodyMapping / responseMapping are JMESPath expressions, as in the reference; evaluated with the
// JMESPath community implementation. A malformed expression is an Error naming it (the adapter
// turns it into a tool error the model sees), never a guess.
import { type JSONValue, search } from "@jmespath-community/jmespath";

/** The expression's value over `value`; null where it leads nowhere (JMESPath's answer). */
export function evaluateMapping(value: unknown, expression: string): unknown {
  try {
    return search(value as JSONValue, expression);
  } catch (err) {
    throw new Error(`mapping "${expression}" is not valid JMESPath: ${err instanceof Error ? err.message : String(err)}`);
  }
}
