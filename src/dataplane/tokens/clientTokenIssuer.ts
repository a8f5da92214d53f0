// Issues client access tokens the way the service's `:generateToken` does and the server SDK
// does locally (reference/dataplane.md §1.3): HS256 over the primary key's UTF-8 bytes, `aud` =
// the http(s) client URL `{endpoint}/client/hubs/{hub}`, `iat`, `exp`, `sub` = user id when
// given, `role` and `webpubsub.group` as JSON arrays when given. No `iss`, no `nbf`.
import { SignJWT } from "jose";
import type { AccessKeyRing } from "../domain/accessKeys.js";

export interface ClientTokenRequest {
  readonly keys: AccessKeyRing;
  /** The client URL the token is for, e.g. `https://host:8443/client/hubs/chat`. */
  readonly audience: string;
  readonly userId?: string;
  readonly roles?: readonly string[];
  readonly groups?: readonly string[];
  /** Lifetime in minutes; default 60 (the service's and the SDK's default). */
  readonly expiresInMinutes?: number;
}

export const defaultClientTokenMinutes = 60;

/** The audience of a client token for `hub`, given the endpoint (`http(s)://host[:port]`). */
export function clientAudience(endpoint: string, hub: string): string {
  const base = endpoint.endsWith("/") ? endpoint : `${endpoint}/`;
  return `${base}client/hubs/${hub}`;
}

export async function issueClientToken(request: ClientTokenRequest): Promise<string> {
  const minutes = request.expiresInMinutes ?? defaultClientTokenMinutes;
  if (!Number.isInteger(minutes) || minutes < 1) {
    throw new RangeError(`expiresInMinutes must be a whole number of at least 1, not ${minutes}`);
  }
  const claims: Record<string, unknown> = {};
  if (request.roles && request.roles.length > 0) claims.role = [...request.roles];
  if (request.groups && request.groups.length > 0) claims["webpubsub.group"] = [...request.groups];
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setAudience(request.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + minutes * 60);
  if (request.userId) jwt = jwt.setSubject(request.userId);
  const [primary] = request.keys.encoded();
  if (!primary) throw new Error("the resource has no access key to sign with");
  return jwt.sign(primary);
}
