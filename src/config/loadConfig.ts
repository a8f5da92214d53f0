// Builds the configuration from its three sources, in increasing precedence: a JSON config file,
// WPSLINK_* environment variables, command-line flags. Each source is checked for unknown keys
// so a typo fails start-up instead of being ignored.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { configSchema, type WpslinkConfig } from "./schema.js";

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

type TopLevelKey = keyof z.infer<typeof configSchema>;
const topLevelKeys = Object.keys(configSchema.shape) as TopLevelKey[];

/** Variables in the WPSLINK_ namespace that are read by scripts or tools, not by the config. */
const nonConfigVariables = new Set([
  "WPSLINK_FROM_SOURCE",
  "WPSLINK_SKIP_BROWSER",
  "WPSLINK_CONFIG",
  "WPSLINK_TEST_CA_DIR",
]);

export function envName(key: string): string {
  return "WPSLINK_" + key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

function coerceEnvValue(key: TopLevelKey, raw: string): unknown {
  const field = configSchema.shape[key];
  const inner = field instanceof z.ZodDefault ? field._def.innerType : field;
  if (inner instanceof z.ZodBoolean) {
    if (/^(1|true|yes)$/i.test(raw)) return true;
    if (/^(0|false|no)$/i.test(raw)) return false;
    throw new ConfigError(`${envName(key)} must be true or false, got '${raw}'`);
  }
  if (inner instanceof z.ZodNumber) {
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n)) throw new ConfigError(`${envName(key)} must be a number`);
    return n;
  }
  if (inner instanceof z.ZodObject) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      throw new ConfigError(`${envName(key)} must hold JSON`);
    }
  }
  return raw;
}

export function configFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const byEnvName = new Map(topLevelKeys.map((k) => [envName(k), k] as const));
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith("WPSLINK_") || value === undefined || nonConfigVariables.has(name)) continue;
    const key = byEnvName.get(name);
    if (!key) {
      throw new ConfigError(
        `unknown environment variable ${name}; known ones: ${[...byEnvName.keys()].join(", ")}`,
      );
    }
    result[key] = coerceEnvValue(key, value);
  }
  return result;
}

export function configFromFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(`config file ${path} must hold a JSON object`);
    }
    return parsed as Record<string, unknown>;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

function formatIssues(error: z.ZodError, origin: string): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.join(".") || "(root)";
      if (issue.code === "unrecognized_keys") return `${origin}: unknown setting(s) ${issue.keys.join(", ")}`;
      return `${origin}: ${path}: ${issue.message}`;
    })
    .join("\n");
}

/**
 * Merges the sources (file < env < flags) and validates the result. `flags` holds only the
 * options the user actually gave.
 */
export function loadConfig(sources: {
  file?: string;
  env?: NodeJS.ProcessEnv;
  flags?: Record<string, unknown>;
}): WpslinkConfig {
  const filePart = sources.file ? configFromFile(sources.file) : {};
  const envPart = sources.env ? configFromEnv(sources.env) : {};
  const merged = { ...filePart, ...envPart, ...(sources.flags ?? {}) };
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    throw new ConfigError(formatIssues(result.error, sources.file ? `config (${sources.file})` : "config"));
  }
  return result.data;
}
