// Finding the running wpslink: `--management-url`, else `WPSLINK_MANAGEMENT_URL`, else the
// runtime file `<workspace>/runtime.json` that `wpslink start` writes. The local CA comes from
// the runtime file (or `WPSLINK_CA_CERT`), so no NODE_EXTRA_CA_CERTS is needed.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { readRuntimeFile, type RuntimeFile } from "../../config/runtimeFile.js";
import { AzCliError } from "./errors.js";

export interface ManagementEndpoint {
  /** Origin of the management listener, without a trailing slash. */
  readonly url: string;
  /** PEM of the CA to trust for it, or undefined to use the default trust store. */
  readonly caPem?: string;
  /** Where the URL came from, for messages. */
  readonly source: string;
}

export interface EndpointOptions {
  readonly managementUrl?: string;
  readonly workspace?: string;
}

export const defaultWorkspace = ".wpslink";

function readCa(path: string, origin: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new AzCliError(
      `Cannot read the wpslink CA certificate '${path}' (from ${origin}): ${(error as Error).message}`,
    );
  }
}

function trimUrl(url: string, origin: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AzCliError(`The management URL '${url}' (from ${origin}) is not a valid URL.`);
  }
  return parsed.origin + parsed.pathname.replace(/\/+$/, "");
}

export function findManagementEndpoint(
  options: EndpointOptions,
  env: NodeJS.ProcessEnv,
  cwd: string,
): ManagementEndpoint {
  const workspace = resolve(cwd, options.workspace ?? env.WPSLINK_LOCATION ?? defaultWorkspace);
  let runtime: RuntimeFile | null = null;
  try {
    runtime = readRuntimeFile(workspace);
  } catch (error) {
    throw new AzCliError(`The runtime file in '${workspace}' is not valid JSON: ${(error as Error).message}`);
  }
  const explicit = options.managementUrl
    ? { url: options.managementUrl, source: "--management-url" }
    : env.WPSLINK_MANAGEMENT_URL
      ? { url: env.WPSLINK_MANAGEMENT_URL, source: "WPSLINK_MANAGEMENT_URL" }
      : undefined;
  if (explicit) {
    const url = trimUrl(explicit.url, explicit.source);
    let caPem: string | undefined;
    if (env.WPSLINK_CA_CERT) caPem = readCa(env.WPSLINK_CA_CERT, "WPSLINK_CA_CERT");
    else if (runtime && new URL(runtime.managementUrl).origin === new URL(url).origin)
      caPem = readCa(runtime.caCertPath, `${workspace}/runtime.json`);
    return { url, caPem, source: explicit.source };
  }
  if (!runtime) {
    throw new AzCliError(`No running wpslink found: '${workspace}/runtime.json' does not exist.`, 1, [
      "Start one with `wpslink start`, or point at one with --management-url or the WPSLINK_MANAGEMENT_URL " +
        "environment variable (--workspace or WPSLINK_LOCATION select another workspace folder).",
    ]);
  }
  const source = `${workspace}/runtime.json`;
  const caPem = env.WPSLINK_CA_CERT
    ? readCa(env.WPSLINK_CA_CERT, "WPSLINK_CA_CERT")
    : readCa(runtime.caCertPath, source);
  return { url: trimUrl(runtime.managementUrl, source), caPem, source };
}
