// Plain HTTPS calls to wpslink's management (ARM) API, with a token from the local issuer.
// Trusts the local CA given by the endpoint; every socket is closed by `close()`.
import { Agent, fetch, type Headers, type Response } from "undici";
import type { CliIo } from "./cliIo.js";
import { AzCliError, ArmResponseError } from "./errors.js";
import type { ManagementEndpoint } from "./managementEndpoint.js";

export interface ArmResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  /** Parsed JSON body, the raw text when it is not JSON, or undefined when empty. */
  readonly body: unknown;
  readonly text: string;
  readonly url: string;
}

export interface RequestOptions {
  readonly apiVersion?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Send no Authorization header (`rest --skip-authorization-header`). */
  readonly skipAuthorization?: boolean;
}

export interface AccessToken {
  readonly accessToken: string;
  /** Seconds since the epoch. */
  readonly expiresOn: number;
  readonly tokenType: string;
}

const publicArmOrigin = /^https:\/\/management\.azure\.com/i;

export class ArmClient {
  private readonly agent: Agent;
  private token: AccessToken | undefined;

  constructor(
    readonly endpoint: ManagementEndpoint,
    private readonly io: CliIo,
    private readonly debug: boolean,
  ) {
    this.agent = new Agent({ connect: endpoint.caPem ? { ca: endpoint.caPem } : {}, connections: 4 });
  }

  /** An absolute URL for a path (or URL) on the management API; `https://management.azure.com` maps here. */
  url(pathOrUrl: string, apiVersion?: string): string {
    let url: URL;
    if (/^https?:\/\//i.test(pathOrUrl)) url = new URL(pathOrUrl.replace(publicArmOrigin, this.endpoint.url));
    else url = new URL(this.endpoint.url + (pathOrUrl.startsWith("/") ? "" : "/") + pathOrUrl);
    if (apiVersion && !url.searchParams.has("api-version")) url.searchParams.set("api-version", apiVersion);
    return url.toString();
  }

  async getToken(): Promise<AccessToken> {
    if (this.token && this.token.expiresOn * 1000 > Date.now() + 60_000) return this.token;
    const response = await this.fetchRaw("POST", this.url("/_wpslink/token"), {
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    if (response.status < 200 || response.status >= 300) {
      throw new ArmResponseError(response.status, response.statusText, response.body, response.text);
    }
    const body = (response.body ?? {}) as Record<string, unknown>;
    const accessToken = body.access_token ?? body.accessToken ?? body.token;
    if (typeof accessToken !== "string" || !accessToken) {
      throw new AzCliError(`The wpslink token endpoint answered without an access token: ${response.text}`);
    }
    const expiresIn = Number(body.expires_in ?? body.expiresIn ?? 3600);
    const expiresOnRaw = body.expires_on ?? body.expiresOn;
    const expiresOn =
      typeof expiresOnRaw === "number"
        ? expiresOnRaw
        : typeof expiresOnRaw === "string" && /^\d+$/.test(expiresOnRaw)
          ? Number(expiresOnRaw)
          : typeof expiresOnRaw === "string"
            ? Math.floor(Date.parse(expiresOnRaw) / 1000)
            : Math.floor(Date.now() / 1000) + expiresIn;
    this.token = {
      accessToken,
      expiresOn,
      tokenType: typeof body.token_type === "string" ? body.token_type : "Bearer",
    };
    return this.token;
  }

  /** One HTTP call; any status is returned. */
  async request(method: string, pathOrUrl: string, options: RequestOptions = {}): Promise<ArmResponse> {
    const url = this.url(pathOrUrl, options.apiVersion);
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (!options.skipAuthorization) headers.authorization = `Bearer ${(await this.getToken()).accessToken}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
        headers["content-type"] = "application/json";
    }
    return this.fetchRaw(method, url, { headers, body });
  }

  /** Like `request`, but a non-2xx answer throws the ARM error. */
  async send(method: string, pathOrUrl: string, options: RequestOptions = {}): Promise<ArmResponse> {
    const response = await this.request(method, pathOrUrl, options);
    if (response.status < 200 || response.status >= 300) {
      throw new ArmResponseError(response.status, response.statusText, response.body, response.text);
    }
    return response;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async fetchRaw(
    method: string,
    url: string,
    init: { headers: Record<string, string>; body?: string },
  ): Promise<ArmResponse> {
    if (this.debug) {
      this.io.stderr(`DEBUG: Request URL: '${url}'\nDEBUG: Request method: '${method}'\n`);
      if (init.body !== undefined) this.io.stderr(`DEBUG: Request body: ${init.body}\n`);
    }
    let response: Response;
    try {
      response = await fetch(url, { method, headers: init.headers, body: init.body, dispatcher: this.agent });
    } catch (error) {
      throw connectionError(error, url, this.endpoint);
    }
    const text = await response.text();
    let body: unknown = undefined;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (this.debug) {
      this.io.stderr(`DEBUG: Response status: ${response.status}\n`);
      for (const [name, value] of response.headers) this.io.stderr(`DEBUG:     '${name}': '${value}'\n`);
      if (text) this.io.stderr(`DEBUG: Response content: ${text}\n`);
    }
    return {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      body,
      text,
      url,
    };
  }
}

function connectionError(error: unknown, url: string, endpoint: ManagementEndpoint): AzCliError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? "";
  const detail = cause?.message ?? (error as Error).message;
  const recommendations =
    code.includes("CERT") || code.includes("SELF_SIGNED") || detail.includes("certificate")
      ? [
          "The management certificate is not trusted: use the CA from the wpslink workspace " +
            "(runtime.json caCertPath) or set WPSLINK_CA_CERT to the CA certificate file.",
        ]
      : ["Is wpslink running? Start it with `wpslink start`."];
  return new AzCliError(
    `Failed to connect to wpslink at '${new URL(url).origin}' (found through ${endpoint.source}): ${detail}`,
    1,
    recommendations,
  );
}
