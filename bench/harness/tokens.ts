// Access tokens as the official server SDK mints them with an access key (dataplane.md §1.3,
// §2.2): HS256 over the key's UTF-8 bytes; clients get `aud` = the hub's client URL, REST calls
// `aud` = the full request URL.
import { SignJWT } from "jose";

const oneHour = 3600;

export function clientToken(
  key: string,
  audience: string,
  options: { roles?: string[]; userId?: string } = {},
): Promise<string> {
  const claims: Record<string, unknown> = {};
  if (options.roles) claims.role = options.roles;
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + oneHour);
  if (options.userId) jwt.setSubject(options.userId);
  return jwt.sign(new TextEncoder().encode(key));
}

export function restToken(key: string, requestUrl: string): Promise<string> {
  return clientToken(key, requestUrl);
}
