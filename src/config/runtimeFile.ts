// The runtime file: a running wpslink writes where it listens to `<workspace>/runtime.json`, so
// the CLI and tests can find it without being told. In-memory mode writes none; the CLI then
// reads `WPSLINK_MANAGEMENT_URL` (and `NODE_EXTRA_CA_CERTS` for the CA).
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface RuntimeFile {
  readonly pid: number;
  /** HTTPS URL of the management (ARM) listener, e.g. `https://localhost:8444`. */
  readonly managementUrl: string;
  /** PEM file of the local CA that signed every wpslink certificate. */
  readonly caCertPath: string;
  readonly startedAt: string;
}

export const runtimeFileName = "runtime.json";

export function writeRuntimeFile(workspace: string, runtime: RuntimeFile): void {
  writeFileSync(join(workspace, runtimeFileName), JSON.stringify(runtime, null, 2) + "\n", { mode: 0o600 });
}

export function removeRuntimeFile(workspace: string): void {
  rmSync(join(workspace, runtimeFileName), { force: true });
}

/** The runtime file of `workspace`, or null when none exists. Throws when it is not valid JSON. */
export function readRuntimeFile(workspace: string): RuntimeFile | null {
  let raw: string;
  try {
    raw = readFileSync(join(workspace, runtimeFileName), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  return JSON.parse(raw) as RuntimeFile;
}
