// wpslink's stand-in for a Web PubSub resource's managed identity and Microsoft Entra ID: it
// signs RS256 JWTs shaped like Entra v1 managed-identity tokens (`iss`, `aud` = the handler's
// resource, `sub`/`oid` = the identity, `tid`, `appid`, `iat`/`nbf`/`exp`, `kid` in the header)
// and publishes its public key as a JWKS.
//
// How an upstream validates a token: fetch the JWKS (wpslink serves `identity.jwks()`; in code,
// hand it to `jose.createLocalJWKSet`) and verify signature, `iss` = `identity.issuer` and
// `aud` = the `resource` configured on the event handler, e.g.
//   const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer, audience });
// The same code validates real Entra tokens with Entra's JWKS and issuer.
import {
  generateKeyPairSync,
  randomUUID,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
} from "node:crypto";
import { SignJWT, exportJWK, type JWK } from "jose";
import type { ManagedIdentityTokenIssuer } from "./managedIdentity.js";

export interface LocalManagedIdentityOptions {
  /** Tenant id put in `tid` and in the issuer. Default: a fixed all-zero GUID. */
  readonly tenantId?: string;
  /** Object id of the identity (`oid`, `sub`). Default: a new random GUID. */
  readonly principalId?: string;
  /** Client id (`appid`). Default: a new random GUID. */
  readonly clientId?: string;
  /** Token issuer (`iss`). Default `https://sts.wpslink.local/{tenantId}/`. */
  readonly issuer?: string;
  /** Token lifetime. Default 3600 s; tokens are reused until 5 min before they expire. */
  readonly lifetimeSeconds?: number;
  /** PKCS#8 PEM of the RSA signing key (to keep it across restarts). Default: a new 2048-bit key. */
  readonly privateKeyPem?: string;
}

export interface LocalManagedIdentity extends ManagedIdentityTokenIssuer {
  readonly issuer: string;
  readonly tenantId: string;
  readonly principalId: string;
  readonly clientId: string;
  readonly keyId: string;
  /** The signing key's PEM (PKCS#8), for persisting. */
  readonly privateKeyPem: string;
  /** The public key as a JSON Web Key Set. */
  jwks(): Promise<{ keys: JWK[] }>;
}

export function createLocalManagedIdentity(options: LocalManagedIdentityOptions = {}): LocalManagedIdentity {
  const tenantId = options.tenantId ?? "00000000-0000-0000-0000-000000000000";
  const principalId = options.principalId ?? randomUUID();
  const clientId = options.clientId ?? randomUUID();
  const issuer = options.issuer ?? `https://sts.wpslink.local/${tenantId}/`;
  const lifetime = options.lifetimeSeconds ?? 3600;
  const privateKey: KeyObject = options.privateKeyPem
    ? createPrivateKey(options.privateKeyPem)
    : generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  const publicKey = createPublicKey(privateKey);
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const keyId = publicKey.export({ format: "jwk" }).n?.slice(0, 16) ?? randomUUID();
  const cache = new Map<string, { token: string; expiresAt: number }>();

  return {
    issuer,
    tenantId,
    principalId,
    clientId,
    keyId,
    privateKeyPem,
    async issue(resource) {
      const now = Math.floor(Date.now() / 1000);
      const cached = cache.get(resource);
      if (cached && cached.expiresAt - now > 300) return cached.token;
      const token = await new SignJWT({
        oid: principalId,
        tid: tenantId,
        appid: clientId,
        idtyp: "app",
        ver: "1.0",
      })
        .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: keyId })
        .setIssuer(issuer)
        .setAudience(resource)
        .setSubject(principalId)
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + lifetime)
        .sign(privateKey);
      cache.set(resource, { token, expiresAt: now + lifetime });
      return token;
    },
    async jwks() {
      const jwk = await exportJWK(publicKey);
      return { keys: [{ ...jwk, kid: keyId, alg: "RS256", use: "sig" }] };
    },
  };
}
