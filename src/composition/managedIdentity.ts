// The one managed identity of the emulator: it signs the bearer tokens that `ManagedIdentity`
// event handlers receive. Its key is kept in the workspace so upstreams that cached the JWKS keep
// working across restarts; the JWKS is served on the management listener.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { createLocalManagedIdentity, type LocalManagedIdentity } from "../events/localManagedIdentity.js";

export const managedIdentityJwksPath = "/_wpslink/identity/jwks";

export function loadOrCreateManagedIdentity(workspaceRoot: string | null): LocalManagedIdentity {
  if (workspaceRoot === null) return createLocalManagedIdentity();
  const folder = join(workspaceRoot, "identity");
  const keyFile = join(folder, "managed-identity.pem");
  const idFile = join(folder, "managed-identity.json");
  if (existsSync(keyFile) && existsSync(idFile)) {
    const ids = JSON.parse(readFileSync(idFile, "utf8")) as { principalId: string; clientId: string };
    return createLocalManagedIdentity({ ...ids, privateKeyPem: readFileSync(keyFile, "utf8") });
  }
  const identity = createLocalManagedIdentity();
  mkdirSync(folder, { recursive: true });
  writeFileSync(keyFile, identity.privateKeyPem, { mode: 0o600 });
  writeFileSync(
    idFile,
    JSON.stringify({ principalId: identity.principalId, clientId: identity.clientId }, null, 2) + "\n",
  );
  return identity;
}

/** Serves the identity's public keys; returns false for other paths. */
export function managedIdentityJwksHandler(
  identity: LocalManagedIdentity,
): (request: IncomingMessage, response: ServerResponse) => boolean {
  return (request, response) => {
    if (request.method !== "GET" || request.url?.split("?")[0] !== managedIdentityJwksPath) return false;
    identity
      .jwks()
      .then((jwks) => {
        response.writeHead(200, { "content-type": "application/json", "cache-control": "max-age=300" });
        response.end(JSON.stringify({ ...jwks, issuer: identity.issuer }));
      })
      .catch((error: unknown) => {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ code: "InternalServerError", message: String(error) }));
      });
    return true;
  };
}
