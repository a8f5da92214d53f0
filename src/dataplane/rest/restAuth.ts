// Authentication of data-plane REST calls as the service does it for access keys: a bearer JWT,
// HS256, signed with key1 or key2 (the key string's UTF-8 bytes), `exp` required, and `aud` =
// the URL of the request. `@azure/web-pubsub` signs the full URL it sends, query included
// (reference/dataplane.md §2.2). Like Microsoft's emulator we compare case-insensitively and
// also accept the URL without its query and either form percent-decoded once; a proxy in front
// may name the original scheme and host in X-Forwarded-Proto / X-Forwarded-Host.
import type { IncomingMessage } from "node:http";
import { webcrypto } from "node:crypto";
import type { TLSSocket } from "node:tls";
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import type { AccessKeyRing } from "../domain/accessKeys.js";
import { refuse } from "./restErrors.js";

/**
 * Verification keys imported once per key value: importing the raw bytes on every request costs
 * about as much as the verification itself. A rotated key is a new array, so a new entry.
 */
const importedKeys = new WeakMap<Uint8Array, Promise<webcrypto.CryptoKey>>();

function verificationKey(bytes: Uint8Array): Promise<webcrypto.CryptoKey> {
  let imported = importedKeys.get(bytes);
  if (!imported) {
    imported = webcrypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
    importedKeys.set(bytes, imported);
  }
  return imported;
}

/** Clock skew allowed on `exp`/`nbf`/`iat`, as the service's token validation allows. */
const clockToleranceSeconds = 300;

function firstHeader(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  return raw?.split(",")[0]?.trim() || undefined;
}

/** The URLs a correctly signed token for this request may name in `aud`, lower-cased. */
export function acceptedAudiences(request: IncomingMessage): Set<string> {
  const scheme = (request.socket as Partial<TLSSocket>).encrypted ? "https" : "http";
  const host = request.headers.host ?? "";
  const target = request.url ?? "/";
  const origins = new Set([`${scheme}://${host}`]);
  const forwardedHost = firstHeader(request.headers["x-forwarded-host"]);
  const forwardedProto = firstHeader(request.headers["x-forwarded-proto"]);
  if (forwardedHost || forwardedProto) origins.add(`${forwardedProto ?? scheme}://${forwardedHost ?? host}`);
  const accepted = new Set<string>();
  for (const origin of origins) {
    const full = origin + target;
    const withoutQuery = origin + target.split("?")[0];
    for (const url of [full, withoutQuery]) {
      accepted.add(url.toLowerCase());
      accepted.add(decodedOnce(url).toLowerCase());
    }
  }
  return accepted;
}

function decodedOnce(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function bearerToken(request: IncomingMessage): string {
  const header = request.headers.authorization;
  if (!header) {
    throw refuse.unauthorized(
      "The request has no Authorization header. Sign a JWT (HS256) with an access key of this resource, with aud = the request URL, and send it as 'Authorization: Bearer <token>' (the server SDK does this for you).",
    );
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw refuse.unauthorized("The Authorization header must be 'Bearer <token>'.");
  return match[1];
}

/** Verifies the request's bearer token; throws a 401 refusal saying what is wrong. */
export async function authenticateRestRequest(
  request: IncomingMessage,
  keys: AccessKeyRing,
): Promise<JWTPayload> {
  const token = bearerToken(request);
  let algorithm: string | undefined;
  try {
    algorithm = decodeProtectedHeader(token).alg;
  } catch {
    throw refuse.unauthorized("The bearer token is not a JWT.");
  }
  if (algorithm !== "HS256") {
    throw refuse.unauthorized(
      `The bearer token is signed with ${algorithm ?? "no algorithm"}; wpslink accepts access-key tokens only (HS256 with key1 or key2). Microsoft Entra ID tokens are not supported: use a connection string or AzureKeyCredential.`,
    );
  }
  let payload: JWTPayload | undefined;
  let lastError: unknown;
  for (const key of keys.encoded()) {
    try {
      ({ payload } = await jwtVerify(token, await verificationKey(key), {
        algorithms: ["HS256"],
        clockTolerance: clockToleranceSeconds,
        requiredClaims: ["exp"],
      }));
      break;
    } catch (error) {
      lastError = error;
      // A bad signature may just mean the other key signed it; any other failure is final.
      if (!(error instanceof joseErrors.JWSSignatureVerificationFailed)) break;
    }
  }
  if (!payload) throw refuse.unauthorized(describeVerifyFailure(lastError));
  const audiences = typeof payload.aud === "string" ? [payload.aud] : (payload.aud ?? []);
  const accepted = acceptedAudiences(request);
  if (
    !audiences.some((aud) => accepted.has(aud.toLowerCase()) || accepted.has(decodedOnce(aud).toLowerCase()))
  ) {
    const expected = `${(request.socket as Partial<TLSSocket>).encrypted ? "https" : "http"}://${request.headers.host ?? ""}${request.url ?? ""}`;
    throw refuse.unauthorized(
      `The token's audience ${JSON.stringify(payload.aud ?? null)} does not match the request URL '${expected}'.`,
    );
  }
  return payload;
}

function describeVerifyFailure(error: unknown): string {
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return "The token's signature does not match key1 or key2 of this resource.";
  }
  if (error instanceof joseErrors.JWTExpired) return "The token has expired.";
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return `The token's '${error.claim}' claim is not valid: ${error.reason === "missing" ? "it is missing" : error.message}.`;
  }
  return `The bearer token is not valid: ${error instanceof Error ? error.message : String(error)}.`;
}
