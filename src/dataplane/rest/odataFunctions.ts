// Value types and the function catalog of the OData filter subset (see odataFilter.ts).

export type ValueType = "string" | "number" | "boolean" | "null" | "collection" | "list";
export type Primitive = string | number | boolean | null;
export type Value = Primitive | ReadonlySet<string> | readonly Primitive[];

export interface FunctionSignature {
  readonly args: readonly (readonly ValueType[])[];
  readonly optionalFrom?: number;
  readonly result: ValueType;
  readonly apply: (args: Value[]) => Value;
}

const str = (value: Value): string | null => (typeof value === "string" ? value : null);
const num = (value: Value): number => (typeof value === "number" ? value : 0);
const stringArg: readonly ValueType[] = ["string", "null"];
const numberArg: readonly ValueType[] = ["number"];

export const functions: Record<string, FunctionSignature> = {
  tolower: { args: [stringArg], result: "string", apply: ([s]) => str(s ?? null)?.toLowerCase() ?? null },
  toupper: { args: [stringArg], result: "string", apply: ([s]) => str(s ?? null)?.toUpperCase() ?? null },
  trim: { args: [stringArg], result: "string", apply: ([s]) => str(s ?? null)?.trim() ?? null },
  length: {
    args: [["string", "collection", "null"]],
    result: "number",
    apply: ([v]) => (typeof v === "string" ? v.length : v instanceof Set ? v.size : null),
  },
  substring: {
    args: [stringArg, numberArg, numberArg],
    optionalFrom: 2,
    result: "string",
    apply: ([s, start, length]) => {
      const text = str(s ?? null);
      if (text === null) return null;
      const from = Math.max(0, num(start ?? 0));
      return length === undefined ? text.slice(from) : text.slice(from, from + Math.max(0, num(length)));
    },
  },
  indexof: {
    args: [stringArg, stringArg],
    result: "number",
    apply: ([s, sub]) => {
      const text = str(s ?? null);
      const part = str(sub ?? null);
      return text === null || part === null ? null : text.indexOf(part);
    },
  },
  startswith: {
    args: [stringArg, stringArg],
    result: "boolean",
    apply: (a) => test(a, (s, p) => s.startsWith(p)),
  },
  endswith: {
    args: [stringArg, stringArg],
    result: "boolean",
    apply: (a) => test(a, (s, p) => s.endsWith(p)),
  },
  contains: {
    args: [stringArg, stringArg],
    result: "boolean",
    apply: (a) => test(a, (s, p) => s.includes(p)),
  },
  concat: {
    args: [stringArg, stringArg],
    result: "string",
    apply: ([a, b]) => (str(a ?? null) ?? "") + (str(b ?? null) ?? ""),
  },
};

function test(args: Value[], check: (text: string, part: string) => boolean): boolean {
  const text = str(args[0] ?? null);
  const part = str(args[1] ?? null);
  return text !== null && part !== null && check(text, part);
}
