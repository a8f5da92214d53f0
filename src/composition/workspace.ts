// The workspace folder: where state, the local CA and the issuer secret live. In memory-only
// mode nothing persists, but HTTPS clients still need the CA file, so it goes to a private
// temporary folder that is removed at shutdown.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export interface Workspace {
  /** The persistent folder, or null in memory-only mode. */
  readonly root: string | null;
  /** Where the CA certificate and key are kept. */
  readonly certificates: string;
  /** Removes what must not outlive the process. */
  dispose(): void;
}

export function openWorkspace(location: string, inMemory: boolean): Workspace {
  if (inMemory) {
    const temporary = mkdtempSync(join(tmpdir(), "wpslink-"));
    return {
      root: null,
      certificates: temporary,
      dispose: () => rmSync(temporary, { recursive: true, force: true }),
    };
  }
  const root = resolve(location);
  const certificates = join(root, "certs");
  mkdirSync(certificates, { recursive: true });
  return { root, certificates, dispose: () => undefined };
}
