// `POST /_wpslink/token` on the management listener: hands a local-issuer token to callers on
// this machine (the CLI, the portal, tests, `createLocalCredential`). Callers from other hosts
// are refused, since a token grants full control of every resource.
import type { IncomingMessage, ServerResponse } from "node:http";
import { isIP } from "node:net";
import { ArmError } from "../runtime/armError.js";
import type { LocalTokenIssuer } from "./localTokenIssuer.js";

export const tokenEndpointPath = "/_wpslink/token";

export interface TokenResponse {
  readonly token_type: "Bearer";
  readonly access_token: string;
  /** Seconds from now. */
  readonly expires_in: number;
  /** Unix seconds. */
  readonly expires_on: number;
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith("::ffff:") ? address.slice(7) : address;
  if (plain === "::1") return true;
  return isIP(plain) === 4 && plain.startsWith("127.");
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
    ...headers,
  });
  res.end(text);
}

async function readScope(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16_384) throw new ArmError(413, "RequestEntityTooLarge", "The token request is too large.");
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (!text) return undefined;
  const type = req.headers["content-type"] ?? "";
  if (type.includes("application/x-www-form-urlencoded")) {
    return new URLSearchParams(text).get("scope") ?? undefined;
  }
  try {
    const parsed = JSON.parse(text) as { scope?: unknown };
    return typeof parsed.scope === "string" ? parsed.scope : undefined;
  } catch {
    throw new ArmError(
      400,
      "InvalidRequestContent",
      'The token request body must be JSON like {"scope":"..."}.',
    );
  }
}

/** Answers a request to the token endpoint (the caller has matched the path). */
export async function handleTokenRequest(
  req: IncomingMessage,
  res: ServerResponse,
  issuer: LocalTokenIssuer,
): Promise<void> {
  try {
    if (!isLoopback(req.socket.remoteAddress)) {
      throw new ArmError(
        403,
        "Forbidden",
        "Tokens are handed out to callers on this machine (loopback) only.",
      );
    }
    if (req.method !== "POST") {
      throw new ArmError(405, "MethodNotAllowed", `Use POST ${tokenEndpointPath}.`);
    }
    const scope = await readScope(req);
    const issued = await issuer.issue({ scope });
    const expiresOn = Math.floor(issued.expiresOn.getTime() / 1000);
    const body: TokenResponse = {
      token_type: "Bearer",
      access_token: issued.accessToken,
      expires_in: expiresOn - Math.floor(Date.now() / 1000),
      expires_on: expiresOn,
    };
    sendJson(res, 200, body);
  } catch (error) {
    const armError =
      error instanceof ArmError
        ? error
        : new ArmError(500, "InternalServerError", `token issue failed: ${String(error)}`);
    sendJson(res, armError.status, armError.toBody());
  }
}
