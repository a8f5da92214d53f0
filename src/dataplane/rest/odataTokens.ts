// Tokenizer for the OData filter subset Azure Web PubSub accepts on sends and bulk group calls
// (reference/dataplane.md §2.7). Every token keeps its offset so errors can point at it.

export type TokenKind = "identifier" | "string" | "number" | "open" | "close" | "comma" | "end";

export interface Token {
  readonly kind: TokenKind;
  /** Identifier name, decoded string literal, or the number's text. */
  readonly text: string;
  /** Zero-based offset of the token's first character in the filter. */
  readonly position: number;
}

/** A filter the service cannot parse or type-check; `position` is a zero-based offset. */
export class FilterSyntaxError extends Error {
  constructor(
    readonly position: number,
    readonly detail: string,
    readonly filter: string,
  ) {
    super(`Invalid filter at position ${position}: ${detail}. Filter: ${JSON.stringify(filter)}`);
    this.name = "FilterSyntaxError";
  }
}

const identifierStart = /[A-Za-z_]/;
const identifierPart = /[A-Za-z0-9_]/;
const digit = /[0-9]/;

export function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < filter.length) {
    const char = filter.charAt(index);
    if (char === " " || char === "\t" || char === "\r" || char === "\n") {
      index += 1;
      continue;
    }
    const start = index;
    if (char === "(" || char === ")" || char === ",") {
      tokens.push({
        kind: char === "(" ? "open" : char === ")" ? "close" : "comma",
        text: char,
        position: start,
      });
      index += 1;
    } else if (char === "'") {
      // OData string literal: a quote inside is written as two quotes.
      let value = "";
      index += 1;
      for (;;) {
        if (index >= filter.length) throw new FilterSyntaxError(start, "unterminated string literal", filter);
        const next = filter.charAt(index);
        if (next === "'") {
          if (filter.charAt(index + 1) === "'") {
            value += "'";
            index += 2;
            continue;
          }
          index += 1;
          break;
        }
        value += next;
        index += 1;
      }
      tokens.push({ kind: "string", text: value, position: start });
    } else if (digit.test(char) || (char === "-" && digit.test(filter.charAt(index + 1)))) {
      index += 1;
      while (index < filter.length && digit.test(filter.charAt(index))) index += 1;
      if (filter.charAt(index) === "." && digit.test(filter.charAt(index + 1))) {
        index += 1;
        while (index < filter.length && digit.test(filter.charAt(index))) index += 1;
      }
      tokens.push({ kind: "number", text: filter.slice(start, index), position: start });
    } else if (identifierStart.test(char)) {
      index += 1;
      while (index < filter.length && identifierPart.test(filter.charAt(index))) index += 1;
      tokens.push({ kind: "identifier", text: filter.slice(start, index), position: start });
    } else {
      throw new FilterSyntaxError(start, `unexpected character ${JSON.stringify(char)}`, filter);
    }
  }
  tokens.push({ kind: "end", text: "", position: filter.length });
  return tokens;
}
