// Output as the Azure CLI prints it (knack's formatters): `json` (sorted keys, two-space indent),
// `table` (scalar columns, capitalised headers, tabulate's "simple" layout), `tsv` and `none`.
// A null result prints nothing in every format, as in az.
import { AzCliError } from "./errors.js";

export const outputFormats = ["json", "jsonc", "table", "tsv", "none", "yaml", "yamlc"] as const;
export type OutputFormat = (typeof outputFormats)[number];

/** Turns a command result into table rows (az's per-command table transformers). */
export type TableTransformer = (result: unknown) => unknown;

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (typeof value === "object" && value !== null) {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      sorted[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

export function formatJson(result: unknown): string {
  return JSON.stringify(sortKeysDeep(result), null, 2) + "\n";
}

/** Python's `str()` of a JSON value, which is what tabulate and the tsv writer print. */
function pythonStr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return JSON.stringify(value);
}

function capitalizeFirst(key: string): string {
  return key ? key[0]!.toUpperCase() + key.slice(1) : key;
}

const tableSkipKeys = new Set(["id", "type", "etag"]);

function autoTableRow(item: unknown, sortKeys: boolean): Map<string, string> {
  const row = new Map<string, string>();
  if (Array.isArray(item)) {
    item.forEach((value, index) => row.set(`Column${index + 1}`, pythonStr(value)));
  } else if (typeof item === "object" && item !== null) {
    const record = item as Record<string, unknown>;
    const keys = sortKeys ? Object.keys(record).sort() : Object.keys(record);
    for (const key of keys) {
      const value = record[key];
      if (tableSkipKeys.has(key) || value === null || value === undefined || typeof value === "object")
        continue;
      row.set(capitalizeFirst(key), pythonStr(value));
    }
  } else {
    row.set("Result", pythonStr(item));
  }
  return row;
}

/** tabulate(rows, headers="keys", tablefmt="simple", disable_numparse=True). */
function tabulateSimple(rows: readonly Map<string, string>[]): string {
  const headers: string[] = [];
  for (const row of rows) for (const key of row.keys()) if (!headers.includes(key)) headers.push(key);
  if (headers.length === 0) return "";
  const cells = rows.map((row) => headers.map((h) => (row.get(h) ?? "").trim()));
  const widths = headers.map((h, column) =>
    Math.max(h.length + 2, ...cells.map((line) => line[column]!.length)),
  );
  const render = (values: readonly string[]): string =>
    values
      .map((v, column) => v.padEnd(widths[column]!))
      .join("  ")
      .trimEnd();
  return [render(headers), render(widths.map((w) => "-".repeat(w))), ...cells.map(render)].join("\n");
}

export function formatTable(
  result: unknown,
  options: { queryActive: boolean; transformer?: TableTransformer },
): string {
  let data = result;
  if (options.transformer && !options.queryActive) data = options.transformer(data);
  const list = Array.isArray(data) ? data : [data];
  const sortKeys = !options.queryActive && !options.transformer;
  const rows = list.map((item) => autoTableRow(item, sortKeys));
  const table = rows.length > 0 ? tabulateSimple(rows) : "";
  if (rows.length > 0 && table === "") {
    throw new AzCliError(
      "Table output unavailable. Use the --query option to specify an appropriate query. Use --debug for more info.",
    );
  }
  return table + "\n";
}

function tsvCell(value: unknown): string {
  if (Array.isArray(value)) return String(value.length);
  if (typeof value === "object" && value !== null) return "";
  return pythonStr(value);
}

/** Rows of a `--query` result keep the query's key order; otherwise keys are sorted. */
export function formatTsv(result: unknown, queryActive = false): string {
  const list = Array.isArray(result) ? result : [result];
  let text = "";
  for (const item of list) {
    if (Array.isArray(item)) text += item.map(tsvCell).join("\t");
    else if (typeof item === "object" && item !== null) {
      const record = item as Record<string, unknown>;
      const keys = queryActive ? Object.keys(record) : Object.keys(record).sort();
      text += keys.map((key) => tsvCell(record[key])).join("\t");
    } else if (typeof item === "boolean") text += String(item);
    else text += tsvCell(item);
    text += "\n";
  }
  return text;
}

/** YAML is not offered: it would need a YAML library for one rarely used format. */
export function formatOutput(
  result: unknown,
  format: OutputFormat,
  options: { queryActive: boolean; transformer?: TableTransformer },
): string {
  if (result === null || result === undefined) return "";
  switch (format) {
    case "json":
    case "jsonc":
      return formatJson(result);
    case "table":
      return formatTable(result, options);
    case "tsv":
      return formatTsv(result, options.queryActive);
    case "none":
      return "";
    case "yaml":
    case "yamlc":
      throw new AzCliError("--output yaml is not supported by wpslink; use json, table or tsv.");
  }
}
