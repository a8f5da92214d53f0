// api-version policy. Each route names the versions it accepts; the dispatcher refuses others
// with ARM's error that lists them. `apiVersionCheck: false` accepts any version (for tools
// pinned to versions wpslink does not list).
import { armErrors } from "./armError.js";
import type { ArmRoute } from "./routeTable.js";

/** Versions of Microsoft.Resources (resource groups) that az and the SDKs send. */
export const resourceManagerApiVersions: readonly string[] = [
  "2019-05-01",
  "2019-10-01",
  "2020-06-01",
  "2020-10-01",
  "2021-01-01",
  "2021-04-01",
  "2022-09-01",
  "2023-07-01",
  "2024-03-01",
  "2024-07-01",
  "2024-11-01",
  "2025-03-01",
  "2025-04-01",
];

export function checkApiVersion(route: ArmRoute, requested: string | null, enforce: boolean): string {
  if (requested === null || requested === "") throw armErrors.missingApiVersion();
  if (!enforce || route.apiVersions === "any") return requested;
  const known = route.apiVersions.some((v) => v.toLowerCase() === requested.toLowerCase());
  if (!known) throw armErrors.invalidApiVersion(requested, route.apiVersions);
  return requested;
}
