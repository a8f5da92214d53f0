// What the Azure CLI does to a result before printing it: the Python SDK models it goes through
// flatten `properties` into the top level for most resource types (so `az webapp show --query
// defaultHostName` works), and a global transform adds `resourceGroup` to every object with an
// ARM `id`. `--query` then runs on that shape.
import jmespath from "jmespath";
import { UsageError, AzCliError } from "./errors.js";

/** The resource group named in an ARM id, or undefined. */
export function resourceGroupOfId(id: string): string | undefined {
  const match = /\/resourceGroups\/([^/]+)/i.exec(id);
  return match?.[1];
}

/** Adds `resourceGroup` (from `id`) to every object that has an id and no resource group yet. */
export function addResourceGroup(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (const item of value) addResourceGroup(item);
  } else if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    const hasGroup = Object.keys(record).some((k) => k.toLowerCase() === "resourcegroup");
    if (!hasGroup && typeof record.id === "string" && record.id) {
      const group = resourceGroupOfId(record.id);
      if (group !== undefined) record.resourceGroup = group;
    }
    for (const key of Object.keys(record)) addResourceGroup(record[key]);
  }
  return value;
}

/** Moves the members of `properties` to the top level (top-level members win on a clash). */
export function flattenProperties(resource: unknown): unknown {
  if (typeof resource !== "object" || resource === null || Array.isArray(resource)) return resource;
  const { properties, ...rest } = resource as Record<string, unknown>;
  if (typeof properties !== "object" || properties === null || Array.isArray(properties)) return resource;
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties)) if (!(key in rest)) flat[key] = value;
  return { ...rest, ...flat };
}

interface JmesPathModule {
  compile(expression: string): unknown;
  search(data: unknown, expression: string): unknown;
}
const jmes = jmespath as unknown as JmesPathModule;

/** Checks a `--query` at parse time, as az does (exit code 2 on a syntax error). */
export function validateQuery(expression: string): string {
  try {
    jmes.compile(expression);
  } catch {
    throw new UsageError(`argument --query: invalid jmespath_type value: '${expression}'`, [
      "To learn more about --query, please visit: 'https://docs.microsoft.com/cli/azure/query-azure-cli'",
    ]);
  }
  return expression;
}

export function applyQuery(result: unknown, expression: string): unknown {
  try {
    return jmes.search(result, expression);
  } catch (error) {
    throw new AzCliError(`Invalid jmespath query supplied for \`--query\`: ${(error as Error).message}`, 1, [
      "To learn more about --query, please visit: 'https://docs.microsoft.com/cli/azure/query-azure-cli'",
    ]);
  }
}

/** Truthiness of a JMESPath result, as `wait --custom` uses it. */
export function jmesTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}
