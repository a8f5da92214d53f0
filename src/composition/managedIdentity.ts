// The one managed identity of the emulator: it signs the bearer tokens that `ManagedIdentity`
// event handlers receive. Its key is kept in the workspace so upstreams that cached the JWKS keep
// working across restarts; the JWKS is served on the management listener.
import { generateKeyPair } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { createLocalManagedIdentity, type LocalManagedIdentity } from "../events/localManagedIdentity.js";

export const managedIdentityJwksPath = "/_wpslink/identity/jwks";

/** A new 2048-bit RSA key (PKCS#8 PEM), made on the thread pool so start-up work runs meanwhile. */
function newSigningKey(): Promise<string> {
  return new Promise((resolve, reject) =>
    generateKeyPair(
      "rsa",
      {
        modulusLength: 2048,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
      },
      (error: Error | null, _publicKey: string, privateKey: string) =>
        error ? reject(error) : resolve(privateKey),
    ),
  );
}

export async function loadOrCreateManagedIdentity(
  workspaceRoot: string | null,
): Promise<LocalManagedIdentity> {
  if (workspaceRoot === null) return createLocalManagedIdentity({ privateKeyPem: await newSigningKey() });
  const folder = join(workspaceRoot, "identity");
  const keyFile = join(folder, "managed-identity.pem");
  const idFile = join(folder, "managed-identity.json");
  if (existsSync(keyFile) && existsSync(idFile)) {
    const ids = JSON.parse(readFileSync(idFile, "utf8")) as { principalId: string; clientId: string };
    return createLocalManagedIdentity({ ...ids, privateKeyPem: readFileSync(keyFile, "utf8") });
  }
  const identity = createLocalManagedIdentity({ privateKeyPem: await newSigningKey() });
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
