// The flags of `wpslink start`, each mapped onto a config key. Only flags the user gave are
// passed on, so environment variables and the config file keep their lower precedence.
import { Option, type Command } from "commander";

interface FlagSpec {
  readonly flag: string;
  readonly key: string;
  readonly description: string;
  readonly kind: "string" | "port" | "number" | "boolean";
}

export const startFlags: readonly FlagSpec[] = [
  {
    flag: "--location <dir>",
    key: "location",
    description: "workspace folder for state and certificates (default .wpslink)",
    kind: "string",
  },
  { flag: "--in-memory", key: "inMemory", description: "keep nothing on disk", kind: "boolean" },
  {
    flag: "--host <address>",
    key: "host",
    description: "address every listener binds to (default 127.0.0.1)",
    kind: "string",
  },
  {
    flag: "--public-hostname <name>",
    key: "publicHostname",
    description: "host name used in URLs and connection strings (default localhost)",
    kind: "string",
  },
  {
    flag: "--port <port>",
    key: "dataPlaneHttpPort",
    description: "data plane HTTP port of the default resource (default 8080, 0 = any free port)",
    kind: "port",
  },
  {
    flag: "--https-port <port>",
    key: "dataPlaneHttpsPort",
    description: "data plane HTTPS port of the default resource (default 8443)",
    kind: "port",
  },
  {
    flag: "--management-port <port>",
    key: "managementPort",
    description: "management (ARM + portal) HTTPS port (default 8444)",
    kind: "port",
  },
  {
    flag: "--site-http-port <port>",
    key: "siteHttpPort",
    description: "site front end HTTP port (default 8081)",
    kind: "port",
  },
  {
    flag: "--site-https-port <port>",
    key: "siteHttpsPort",
    description: "site front end HTTPS port (default 8445)",
    kind: "port",
  },
  {
    flag: "--skip-api-version-check",
    key: "skipApiVersionCheck",
    description: "serve unknown api-versions instead of refusing them",
    kind: "boolean",
  },
  {
    flag: "--accept-any-bearer",
    key: "acceptAnyBearer",
    description: "management API: accept any well-formed bearer token",
    kind: "boolean",
  },
  {
    flag: "--propagation-delay <ms>",
    key: "propagationDelayMs",
    description:
      "delay before a private endpoint connection change reaches the shared private endpoint (default 3000)",
    kind: "number",
  },
  {
    flag: "--site-transition-delay <ms>",
    key: "siteTransitionDelayMs",
    description:
      "how long a site's approve/reject/delete of a private endpoint connection takes (default 1000)",
    kind: "number",
  },
  {
    flag: "--redis-url <url>",
    key: "redisUrl",
    description:
      "scale out: share messages, closes and group operations with every node on this Redis (WPSLINK_REDIS_URL)",
    kind: "string",
  },
  {
    flag: "--log-level <level>",
    key: "logLevel",
    description: "fatal|error|warn|info|debug|trace|silent",
    kind: "string",
  },
  {
    flag: "--json",
    key: "json",
    description: "print the start-up summary as one JSON object",
    kind: "boolean",
  },
];

function camel(flag: string): string {
  const name = flag.split(" ")[0]?.replace(/^--/, "") ?? "";
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function addStartFlags(command: Command): Command {
  for (const spec of startFlags) command.addOption(new Option(spec.flag, spec.description));
  return command.option("--config <file>", "JSON config file (WPSLINK_CONFIG)");
}

/** Converts parsed commander options into config keys, failing on values of the wrong kind. */
export function flagsToConfig(options: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const spec of startFlags) {
    const value = options[camel(spec.flag)];
    if (value === undefined) continue;
    if (spec.kind === "port" || spec.kind === "number") {
      const n = Number(value);
      if (!Number.isInteger(n))
        throw new Error(`${spec.flag.split(" ")[0]} needs a whole number, got '${String(value)}'`);
      result[spec.key] = n;
    } else {
      result[spec.key] = value;
    }
  }
  return result;
}
