// wpslink's local token issuer: signs ES256 JWTs that the management API accepts by default.
// The signing key is kept in the store (so tokens stay valid across restarts of a persistent
// workspace; with the in-memory store it is ephemeral), or only in memory when no store is given.
import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from "jose";
import type { Store } from "../../store/store.js";

export const localIssuerUrl = "https://sts.wpslink.local/wpslink/";
export const localTenantId = "00000000-0000-0000-0000-000000000000";
/** Object id of the one local principal every issued token names. */
export const localPrincipalId = "5f1a2b3c-0000-4000-8000-77707362696e";

const algorithm = "ES256";
const signingKeyKey = "wpslink:auth/issuer-signing-key";
const signingKeyType = "wpslink/issuer-key";
const defaultLifetimeSeconds = 3600;

export interface IssuedToken {
  readonly accessToken: string;
  readonly expiresOn: Date;
}

export interface IssueOptions {
  /** OAuth scope as the SDK asks for it (`https://host/.default`); its resource becomes `aud`. */
  readonly scope?: string;
  readonly lifetimeSeconds?: number;
}

export interface LocalTokenIssuer {
  readonly issuer: string;
  issue(options?: IssueOptions): Promise<IssuedToken>;
  /** Verifies signature, issuer and lifetime; throws jose errors otherwise. */
  verify(token: string): Promise<JWTPayload>;
}

interface StoredSigningKey {
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
  readonly kid: string;
}

async function newSigningKey(): Promise<StoredSigningKey> {
  const pair = await generateKeyPair(algorithm, { extractable: true });
  return {
    privateJwk: await exportJWK(pair.privateKey),
    publicJwk: await exportJWK(pair.publicKey),
    kid: randomUUID(),
  };
}

async function loadOrCreateSigningKey(store: Store | null): Promise<StoredSigningKey> {
  if (!store) return newSigningKey();
  const existing = await store.get<StoredSigningKey>(signingKeyKey);
  if (existing) return existing.value;
  const created = await newSigningKey();
  try {
    await store.put(signingKeyKey, signingKeyType, created, "absent");
    return created;
  } catch {
    // Another opener won the race; use its key.
    const winner = await store.get<StoredSigningKey>(signingKeyKey);
    if (!winner) throw new Error("the issuer signing key could not be stored");
    return winner.value;
  }
}

function audienceOf(scope: string | undefined): string {
  if (!scope) return "https://management.azure.com/";
  return scope.replace(/\/?\.default$/, "") || "https://management.azure.com/";
}

export async function createLocalTokenIssuer(store: Store | null): Promise<LocalTokenIssuer> {
  const key = await loadOrCreateSigningKey(store);
  const privateKey = await importJWK(key.privateJwk, algorithm);
  const publicKey = await importJWK(key.publicJwk, algorithm);
  return {
    issuer: localIssuerUrl,
    async issue(options = {}) {
      const lifetime = options.lifetimeSeconds ?? defaultLifetimeSeconds;
      const now = Math.floor(Date.now() / 1000);
      const accessToken = await new SignJWT({
        tid: localTenantId,
        oid: localPrincipalId,
        name: "wpslink local user",
        upn: "local@wpslink",
        idtyp: "user",
      })
        .setProtectedHeader({ alg: algorithm, typ: "JWT", kid: key.kid })
        .setIssuer(localIssuerUrl)
        .setSubject(localPrincipalId)
        .setAudience(audienceOf(options.scope))
        .setIssuedAt(now)
        .setNotBefore(now - 60)
        .setExpirationTime(now + lifetime)
        .setJti(randomUUID())
        .sign(privateKey);
      return { accessToken, expiresOn: new Date((now + lifetime) * 1000) };
    },
    async verify(token) {
      const { payload } = await jwtVerify(token, publicKey, {
        issuer: localIssuerUrl,
        algorithms: [algorithm],
        clockTolerance: 60,
      });
      return payload;
    },
  };
}
