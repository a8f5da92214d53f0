// A `TokenCredential` for the Azure management SDKs that gets tokens from a running wpslink's
// `POST /_wpslink/token`. Trust of wpslink's HTTPS certificate comes from NODE_EXTRA_CA_CERTS,
// or from `ca` (the local CA certificate PEM).
import { request } from "node:https";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { tokenEndpointPath, type TokenResponse } from "./tokenEndpoint.js";

export interface LocalCredentialOptions {
  /** The management listener, e.g. `https://localhost:8444`. */
  readonly managementUrl: string;
  /** PEM of wpslink's local CA, when NODE_EXTRA_CA_CERTS does not already trust it. */
  readonly ca?: string;
}

function postToken(
  url: URL,
  scope: string,
  ca: string | undefined,
  signal?: AbortSignal,
): Promise<TokenResponse> {
  const payload = JSON.stringify({ scope });
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) },
        ...(ca ? { ca } : {}),
        ...(signal ? { signal } : {}),
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode !== 200) {
            reject(new Error(`wpslink token endpoint answered ${res.statusCode}: ${text}`));
            return;
          }
          try {
            resolve(JSON.parse(text) as TokenResponse);
          } catch (error) {
            reject(error as Error);
          }
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () =>
      req.destroy(new Error(`wpslink token endpoint at ${url.origin} did not answer in time`)),
    );
    req.on("error", reject);
    req.end(payload);
  });
}

export function createLocalCredential(options: LocalCredentialOptions): TokenCredential {
  const url = new URL(tokenEndpointPath, options.managementUrl);
  return {
    async getToken(scopes: string | string[], getTokenOptions?: GetTokenOptions): Promise<AccessToken> {
      const scope = Array.isArray(scopes) ? (scopes[0] ?? "") : scopes;
      const token = await postToken(
        url,
        scope,
        options.ca,
        getTokenOptions?.abortSignal as AbortSignal | undefined,
      );
      return { token: token.access_token, expiresOnTimestamp: token.expires_on * 1000 };
    },
  };
}
