// Validation of the JWT a client presents when it opens a WebSocket, as the service does it:
// HS256 signed with either access key (the key string's UTF-8 bytes), `exp` required (5 minutes
// of clock skew), `aud` naming this service's client URL for the hub. `sub` becomes the user id,
// `role` and `webpubsub.group` may be a string or an array (SDKs emit both shapes).
import { createSecretKey, type KeyObject } from "node:crypto";
import { errors, jwtVerify, type JWTPayload } from "jose";
import type { AccessKeyRing } from "../domain/accessKeys.js";

export interface ClientIdentity {
  readonly userId: string | null;
  readonly roles: string[];
  readonly groups: string[];
  /** Every claim as string arrays, for the `connect` event. */
  readonly claims: Record<string, string[]>;
}

export type TokenCheck =
  { readonly ok: true; readonly identity: ClientIdentity } | { readonly ok: false; readonly reason: string };

/** What the audience of a token for this request may be. */
export interface AudienceRule {
  readonly hub: string;
  /** `host[:port]` values the service answers to for this request (lower-case). */
  readonly hosts: readonly string[];
}

const clockToleranceSeconds = 300;

// Key objects per encoded key (the ring makes new arrays when keys change), so a connection
// storm does not import the same key over and over.
const keyObjects = new WeakMap<Uint8Array, KeyObject>();

function keyObject(key: Uint8Array): KeyObject {
  let object = keyObjects.get(key);
  if (!object) {
    object = createSecretKey(key);
    keyObjects.set(key, object);
  }
  return object;
}

/** True when `aud` is `http(s)://{one of hosts}/client/hubs/{hub}` (case-insensitive, trailing slash ok). */
export function audienceMatches(aud: string, rule: AudienceRule): boolean {
  let url: URL;
  try {
    url = new URL(aud);
  } catch {
    return false;
  }
  if (
    url.protocol !== "http:" &&
    url.protocol !== "https:" &&
    url.protocol !== "ws:" &&
    url.protocol !== "wss:"
  ) {
    return false;
  }
  const path = decodeURIComponent(url.pathname).replace(/\/+$/, "").toLowerCase();
  if (path !== `/client/hubs/${rule.hub.toLowerCase()}`) return false;
  const host = url.host.toLowerCase();
  const defaultPort = url.protocol === "https:" || url.protocol === "wss:" ? "443" : "80";
  return rule.hosts.some((allowed) => allowed === host || allowed === `${host}:${defaultPort}`);
}

function asStrings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value))
    return value.map((entry) => (typeof entry === "string" ? entry : JSON.stringify(entry)));
  return [typeof value === "string" ? value : JSON.stringify(value)];
}

function identityOf(payload: JWTPayload): ClientIdentity {
  const claims: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(payload)) claims[name] = asStrings(value);
  const sub = typeof payload.sub === "string" && payload.sub.length > 0 ? payload.sub : null;
  return {
    userId: sub,
    roles: asStrings(payload.role),
    groups: asStrings(payload["webpubsub.group"]),
    claims,
  };
}

export async function verifyClientToken(
  token: string,
  keys: AccessKeyRing,
  rule: AudienceRule,
): Promise<TokenCheck> {
  let lastError: unknown;
  for (const key of keys.encoded()) {
    try {
      const { payload } = await jwtVerify(token, keyObject(key), {
        algorithms: ["HS256"],
        clockTolerance: clockToleranceSeconds,
        requiredClaims: ["exp"],
      });
      const audiences = asStrings(payload.aud);
      if (audiences.length === 0) return { ok: false, reason: "The access token has no audience (aud)." };
      if (!audiences.some((aud) => audienceMatches(aud, rule))) {
        return {
          ok: false,
          reason: `The access token's audience ${audiences.join(", ")} is not this service's client URL for hub '${rule.hub}'.`,
        };
      }
      return { ok: true, identity: identityOf(payload) };
    } catch (error) {
      lastError = error;
      // A bad signature may be the other key's; every other failure is final.
      if (!(error instanceof errors.JWSSignatureVerificationFailed)) break;
    }
  }
  return { ok: false, reason: describeFailure(lastError) };
}

function describeFailure(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "The access token has expired.";
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return "The access token's signature matches neither access key.";
  }
  if (error instanceof errors.JWTClaimValidationFailed)
    return `The access token is invalid: ${error.message}.`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "The access token must be signed with HS256.";
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return "The access token is not a well-formed JWT.";
  }
  return `The access token is invalid: ${error instanceof Error ? error.message : String(error)}.`;
}
