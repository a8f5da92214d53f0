// The api-version policy of the data-plane REST API. Served: every GA version of the spec
// (`stable/*` in Azure/azure-rest-api-specs, specification/webpubsub/data-plane) and the
// previews the SDKs have sent; `@azure/web-pubsub` 1.2.0 sends 2024-12-01. A request without
// api-version is served as the latest (as Microsoft's emulator does). Anything else is refused
// unless the check is switched off.
import { refuse } from "./restErrors.js";

export const latestApiVersion = "2024-12-01";

export const supportedApiVersions: readonly string[] = [
  "2021-05-01-preview",
  "2021-08-01-preview",
  "2021-10-01",
  "2022-10-01-preview",
  "2022-11-01",
  "2023-07-01",
  "2024-01-01",
  "2024-12-01",
];

const skipHint =
  "To serve it anyway, start wpslink with --skip-api-version-check (or WPSLINK_SKIP_API_VERSION_CHECK=true).";

/**
 * Returns the api-version a request is served with, or throws a 400 naming the supported
 * versions and the option that skips the check.
 */
export function checkApiVersion(values: readonly string[], skipCheck: boolean): string {
  if (values.length > 1) {
    throw refuse.badRequest(
      `The api-version query parameter was given ${values.length} times; give it once.`,
      "api-version",
    );
  }
  const requested = values[0];
  if (requested === undefined) return latestApiVersion;
  if (skipCheck || supportedApiVersions.includes(requested)) return requested;
  const shown = requested === "" ? "an empty api-version" : `api-version '${requested}'`;
  throw refuse.badRequest(
    `The data-plane API does not support ${shown}. Supported versions: ${supportedApiVersions.join(", ")}. ${skipHint}`,
    "api-version",
  );
}
