// Compiles the OData filter subset of Azure Web PubSub (reference/dataplane.md §2.7) into a
// predicate over connections. Supported: identifiers `userId`, `connectionId` (strings) and
// `groups` (collection), names case-insensitive; `and`, `or`, `not`, `eq`, `ne`, `gt`, `ge`, `lt`,
// `le`, `in` (a parenthesised list or a collection); parentheses; string, number, `true`,
// `false`, `null` literals; functions `tolower`, `toupper`, `trim`, `length`, `substring`,
// `indexof`, `startswith`, `endswith`, `contains`, `concat`. Types are checked when compiling, so
// a mistake is reported up front with its position rather than silently matching nothing.
import type { ConnectionPredicate, ConnectionView } from "../domain/hubOperations.js";
import { functions, type Primitive, type Value, type ValueType } from "./odataFunctions.js";
import { FilterSyntaxError, tokenize, type Token } from "./odataTokens.js";

export { FilterSyntaxError } from "./odataTokens.js";

interface Node {
  readonly type: ValueType;
  readonly position: number;
  readonly evaluate: (connection: ConnectionView) => Value;
  /** True for literals, whose value does not depend on the connection. */
  readonly constant?: boolean;
}

const noConnection: ConnectionView = { connectionId: "", userId: null, groups: new Set(), protocol: null };

const maxFilterLength = 16 * 1024;
const maxDepth = 64;

const comparisonOperators = new Set(["eq", "ne", "gt", "ge", "lt", "le"]);
const reservedWords = new Set(["and", "or", "not", "eq", "ne", "gt", "ge", "lt", "le", "in"]);

const fields: Record<string, { type: ValueType; read: (c: ConnectionView) => Value }> = {
  userid: { type: "string", read: (c) => c.userId },
  connectionid: { type: "string", read: (c) => c.connectionId },
  groups: { type: "collection", read: (c) => c.groups },
};

class FilterParser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly filter: string,
    private readonly tokens: readonly Token[],
  ) {}

  parse(): Node {
    const node = this.parseOr();
    const next = this.peek();
    if (next.kind !== "end") this.fail(next, `unexpected ${describe(next)} after a complete expression`);
    if (node.type !== "boolean")
      this.failAt(node.position, `the filter must be a Boolean expression, not a ${node.type}`);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.index] ?? { kind: "end", text: "", position: this.filter.length };
  }

  private take(): Token {
    const token = this.peek();
    if (token.kind !== "end") this.index += 1;
    return token;
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token.kind === "identifier" && token.text === word;
  }

  private fail(token: Token, detail: string): never {
    throw new FilterSyntaxError(token.position, detail, this.filter);
  }

  private failAt(position: number, detail: string): never {
    throw new FilterSyntaxError(position, detail, this.filter);
  }

  private expectBoolean(node: Node, operator: string): void {
    if (node.type !== "boolean")
      this.failAt(node.position, `'${operator}' needs Boolean operands, not a ${node.type}`);
  }

  private parseOr(): Node {
    let left = this.parseAnd();
    while (this.isWord("or")) {
      const operator = this.take();
      const right = this.parseAnd();
      this.expectBoolean(left, "or");
      this.expectBoolean(right, "or");
      const [l, r] = [left, right];
      left = {
        type: "boolean",
        position: operator.position,
        evaluate: (c) => l.evaluate(c) === true || r.evaluate(c) === true,
      };
    }
    return left;
  }

  private parseAnd(): Node {
    let left = this.parseNot();
    while (this.isWord("and")) {
      const operator = this.take();
      const right = this.parseNot();
      this.expectBoolean(left, "and");
      this.expectBoolean(right, "and");
      const [l, r] = [left, right];
      left = {
        type: "boolean",
        position: operator.position,
        evaluate: (c) => l.evaluate(c) === true && r.evaluate(c) === true,
      };
    }
    return left;
  }

  private parseNot(): Node {
    if (!this.isWord("not")) return this.parseComparison();
    const operator = this.take();
    const operand = this.nested(() => this.parseNot());
    this.expectBoolean(operand, "not");
    return { type: "boolean", position: operator.position, evaluate: (c) => operand.evaluate(c) !== true };
  }

  private parseComparison(): Node {
    const left = this.parsePrimary();
    const next = this.peek();
    if (next.kind !== "identifier") return left;
    if (next.text === "in") {
      this.take();
      const right = this.parsePrimary();
      return this.inNode(left, right, next);
    }
    if (!comparisonOperators.has(next.text)) return left;
    this.take();
    const right = this.parsePrimary();
    return this.comparisonNode(next.text, left, right, next);
  }

  private comparisonNode(operator: string, left: Node, right: Node, at: Token): Node {
    for (const side of [left, right]) {
      if (side.type === "collection" || side.type === "list") {
        this.failAt(side.position, `'${operator}' cannot compare a ${side.type}; use 'in' for collections`);
      }
    }
    const known = [left.type, right.type].filter((t) => t !== "null");
    if (known.length === 2 && known[0] !== known[1]) {
      this.fail(at, `'${operator}' cannot compare a ${left.type} with a ${right.type}`);
    }
    if (operator === "eq" || operator === "ne") {
      const equal = operator === "eq";
      return {
        type: "boolean",
        position: at.position,
        evaluate: (c) => (left.evaluate(c) === right.evaluate(c)) === equal,
      };
    }
    if (known.some((t) => t === "boolean")) this.fail(at, `'${operator}' cannot order Boolean values`);
    const order = (a: Value, b: Value): number | null => {
      if (typeof a === "number" && typeof b === "number") return a - b;
      if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
      return null;
    };
    const accept: Record<string, (d: number) => boolean> = {
      gt: (d) => d > 0,
      ge: (d) => d >= 0,
      lt: (d) => d < 0,
      le: (d) => d <= 0,
    };
    const passes = accept[operator] ?? (() => false);
    return {
      type: "boolean",
      position: at.position,
      evaluate: (c) => {
        const difference = order(left.evaluate(c), right.evaluate(c));
        return difference !== null && passes(difference);
      },
    };
  }

  private inNode(left: Node, right: Node, at: Token): Node {
    if (left.type === "collection" || left.type === "list") {
      this.failAt(left.position, `the left side of 'in' must be a single value, not a ${left.type}`);
    }
    if (right.type !== "collection" && right.type !== "list") {
      this.failAt(
        right.position,
        `the right side of 'in' must be a parenthesised list or a collection such as groups`,
      );
    }
    return {
      type: "boolean",
      position: at.position,
      evaluate: (c) => {
        const value = left.evaluate(c) as Primitive;
        const items = right.evaluate(c);
        if (items instanceof Set) return typeof value === "string" && items.has(value);
        return (items as readonly Primitive[]).includes(value);
      },
    };
  }

  private nested<T>(parse: () => T): T {
    this.depth += 1;
    if (this.depth > maxDepth)
      this.fail(this.peek(), `the filter is nested more than ${maxDepth} levels deep`);
    try {
      return parse();
    } finally {
      this.depth -= 1;
    }
  }

  private parsePrimary(): Node {
    const token = this.take();
    switch (token.kind) {
      case "string":
        return constant("string", token.text, token.position);
      case "number":
        return constant("number", Number(token.text), token.position);
      case "open":
        return this.nested(() => this.parseParenthesised(token));
      case "identifier":
        return this.parseIdentifier(token);
      default:
        return this.fail(token, `expected a value, a field or '(' but found ${describe(token)}`);
    }
  }

  private parseParenthesised(open: Token): Node {
    const first = this.parseOr();
    if (this.peek().kind !== "comma") {
      this.expect("close", open);
      return first;
    }
    const items: Node[] = [first];
    while (this.peek().kind === "comma") {
      this.take();
      items.push(this.parseOr());
    }
    this.expect("close", open);
    for (const item of items) {
      if (item.type === "collection" || item.type === "list") {
        this.failAt(item.position, `a list may only hold single values, not a ${item.type}`);
      }
    }
    if (items.every((item) => item.constant)) {
      // A list of literals (the usual case) is built once, not per connection.
      const values = items.map((item) => item.evaluate(noConnection) as Primitive);
      return { type: "list", position: open.position, evaluate: () => values };
    }
    return {
      type: "list",
      position: open.position,
      evaluate: (c) => items.map((item) => item.evaluate(c) as Primitive),
    };
  }

  private expect(kind: "close", open: Token): void {
    const token = this.take();
    if (token.kind !== kind)
      this.fail(
        token,
        `expected ')' to close the '(' at position ${open.position} but found ${describe(token)}`,
      );
  }

  private parseIdentifier(token: Token): Node {
    if (token.text === "true" || token.text === "false")
      return constant("boolean", token.text === "true", token.position);
    if (token.text === "null") return constant("null", null, token.position);
    if (reservedWords.has(token.text))
      this.fail(token, `expected a value or a field but found the operator '${token.text}'`);
    if (this.peek().kind === "open") return this.parseCall(token);
    const field = fields[token.text.toLowerCase()];
    if (!field) {
      this.fail(token, `unknown field '${token.text}'; the fields are userId, connectionId and groups`);
    }
    return { type: field.type, position: token.position, evaluate: field.read };
  }

  private parseCall(name: Token): Node {
    const signature = functions[name.text.toLowerCase()];
    if (!signature) {
      this.fail(name, `unknown function '${name.text}'; supported: ${Object.keys(functions).join(", ")}`);
    }
    const open = this.take();
    const args: Node[] = [];
    if (this.peek().kind !== "close") {
      args.push(this.nested(() => this.parseOr()));
      while (this.peek().kind === "comma") {
        this.take();
        args.push(this.nested(() => this.parseOr()));
      }
    }
    this.expect("close", open);
    const min = signature.optionalFrom ?? signature.args.length;
    if (args.length < min || args.length > signature.args.length) {
      const expected = min === signature.args.length ? `${min}` : `${min} or ${signature.args.length}`;
      this.fail(name, `'${name.text}' takes ${expected} argument(s), not ${args.length}`);
    }
    args.forEach((arg, i) => {
      const allowed = signature.args[i] ?? [];
      if (!allowed.includes(arg.type) && !(arg.type === "null" && allowed.includes("string"))) {
        this.failAt(
          arg.position,
          `argument ${i + 1} of '${name.text}' must be a ${allowed.filter((t) => t !== "null").join(" or ")}, not a ${arg.type}`,
        );
      }
    });
    return {
      type: signature.result,
      position: name.position,
      evaluate: (c) => signature.apply(args.map((arg) => arg.evaluate(c))),
    };
  }
}

function constant(type: ValueType, value: Primitive, position: number): Node {
  return { type, position, evaluate: () => value, constant: true };
}

function describe(token: Token): string {
  switch (token.kind) {
    case "end":
      return "the end of the filter";
    case "string":
      return `the string '${token.text}'`;
    case "identifier":
      return `'${token.text}'`;
    default:
      return `'${token.text}'`;
  }
}

/**
 * Compiles `filter` into a predicate, or throws `FilterSyntaxError` naming the position of the
 * first problem.
 */
export function compileFilter(filter: string): ConnectionPredicate {
  if (filter.length > maxFilterLength) {
    throw new FilterSyntaxError(
      maxFilterLength,
      `the filter is longer than ${maxFilterLength} characters`,
      filter.slice(0, 64) + "…",
    );
  }
  if (filter.trim() === "") throw new FilterSyntaxError(0, "the filter is empty", filter);
  const node = new FilterParser(filter, tokenize(filter)).parse();
  return (connection) => node.evaluate(connection) === true;
}
