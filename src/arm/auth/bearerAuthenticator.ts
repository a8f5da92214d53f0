// Bearer validation for every ARM request. By default only tokens from wpslink's local issuer
// pass (any audience: the SDKs ask for `{endpoint}/.default` or the Azure management scope).
// With `acceptAnyBearer`, any well-formed, unexpired JWT passes, for tools that bring their own
// tokens. Failures are ARM's 401s: AuthenticationFailed (no or malformed header),
// InvalidAuthenticationToken (bad token), ExpiredAuthenticationToken.
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from "jose";
import { armErrors } from "../runtime/armError.js";
import type { ArmCaller } from "./armCaller.js";
import type { LocalTokenIssuer } from "./localTokenIssuer.js";

export interface BearerAuthenticator {
  authenticate(authorization: string | undefined): Promise<ArmCaller>;
}

export interface BearerAuthenticatorOptions {
  readonly issuer: LocalTokenIssuer;
  readonly acceptAnyBearer: boolean;
}

function callerFrom(claims: JWTPayload): ArmCaller {
  const text = (name: string): string | undefined =>
    typeof claims[name] === "string" ? (claims[name] as string) : undefined;
  const id = text("oid") ?? text("sub") ?? text("appid") ?? "unknown";
  const isUser = text("idtyp") === "user" || text("upn") !== undefined || text("unique_name") !== undefined;
  return {
    id,
    name: text("upn") ?? text("unique_name") ?? text("email") ?? text("name") ?? text("appid") ?? id,
    type: isUser ? "User" : "Application",
    claims,
  };
}

/** Verified tokens kept to skip the signature check when a client reuses its token (the SDKs do). */
const verifiedCacheSize = 1000;

export function createBearerAuthenticator(options: BearerAuthenticatorOptions): BearerAuthenticator {
  const verified = new Map<string, ArmCaller>();
  return {
    async authenticate(authorization) {
      if (authorization === undefined || authorization.trim() === "") throw armErrors.missingAuthorization();
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match?.[1]) throw armErrors.malformedAuthorization();
      const token = match[1];
      let claims: JWTPayload;
      try {
        decodeProtectedHeader(token);
        claims = decodeJwt(token);
      } catch {
        throw armErrors.invalidToken("it is not a well-formed JWT");
      }
      if (typeof claims.exp === "number" && claims.exp * 1000 < Date.now() - 60_000) {
        throw armErrors.expiredToken(new Date(claims.exp * 1000));
      }
      if (options.acceptAnyBearer) return callerFrom(claims);
      const known = verified.get(token);
      if (known) return known;
      try {
        const caller = callerFrom(await options.issuer.verify(token));
        if (verified.size >= verifiedCacheSize) verified.delete(verified.keys().next().value!);
        verified.set(token, caller);
        return caller;
      } catch {
        throw armErrors.invalidToken(
          "it was not issued by this wpslink's local issuer (get one from POST /_wpslink/token, or start with acceptAnyBearer)",
        );
      }
    },
  };
}
