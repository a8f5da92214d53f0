// The portal's only way to wpslink: the ARM API on the same origin, with a bearer token from the
// local issuer (`POST /_wpslink/token`). Errors come back as `ArmError` carrying the ARM code and
// message, which the pages show in words.

export class ArmError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "ArmError";
  }
}

export interface ArmResponse<T> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export interface ArmList<T> {
  readonly value: T[];
  readonly nextLink?: string | null;
}

interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
}

let cachedToken: CachedToken | null = null;
let pendingToken: Promise<CachedToken> | null = null;

/** Reads a token answer in the shapes an OAuth-style or SDK-style issuer may use. */
function parseToken(body: Record<string, unknown>): CachedToken {
  const token = body.access_token ?? body.accessToken ?? body.token;
  if (typeof token !== "string" || token === "") {
    throw new ArmError("TokenUnavailable", "The local issuer answered without an access token.", 500);
  }
  const now = Date.now();
  let expiresAt = now + 10 * 60_000;
  if (typeof body.expires_in === "number") expiresAt = now + body.expires_in * 1000;
  else if (typeof body.expiresOnTimestamp === "number") expiresAt = body.expiresOnTimestamp;
  else if (typeof body.expires_on === "number") expiresAt = body.expires_on * 1000;
  else if (typeof body.expiresOn === "string") expiresAt = Date.parse(body.expiresOn) || expiresAt;
  return { token, expiresAt };
}

async function fetchToken(): Promise<CachedToken> {
  const response = await fetch("/_wpslink/token", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: "{}",
  });
  const body = await readJson(response);
  if (!response.ok) throw toArmError(response.status, body);
  return parseToken(body as Record<string, unknown>);
}

/** A bearer token for ARM calls, fetched once and renewed a minute before it expires. */
export async function accessToken(): Promise<string> {
  if (cachedToken && cachedToken.expiresAt - 60_000 > Date.now()) return cachedToken.token;
  pendingToken ??= fetchToken().finally(() => (pendingToken = null));
  cachedToken = await pendingToken;
  return cachedToken.token;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { error: { code: `Http${response.status}`, message: text.slice(0, 500) } };
  }
}

function toArmError(status: number, body: unknown): ArmError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const code = typeof error?.code === "string" ? error.code : `Http${status}`;
  const message =
    typeof error?.message === "string" ? error.message : `The request failed with status ${status}.`;
  return new ArmError(code, message, status);
}

/** Adds the api-version unless the URL already carries one (nextLink and operation URLs do). */
export function withApiVersion(path: string, apiVersion: string): string {
  const url = new URL(path, window.location.origin);
  if (!url.searchParams.has("api-version")) url.searchParams.set("api-version", apiVersion);
  return url.origin === window.location.origin ? `${url.pathname}${url.search}` : url.toString();
}

export async function armRequest<T>(
  method: "GET" | "PUT" | "PATCH" | "POST" | "DELETE",
  path: string,
  apiVersion: string,
  body?: unknown,
): Promise<ArmResponse<T>> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${await accessToken()}`,
    accept: "application/json",
  };
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(withApiVersion(path, apiVersion), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) cachedToken = null;
  const parsed = await readJson(response);
  if (!response.ok) throw toArmError(response.status, parsed);
  return { status: response.status, body: parsed as T, headers: response.headers };
}

export async function armGet<T>(path: string, apiVersion: string): Promise<T> {
  return (await armRequest<T>("GET", path, apiVersion)).body;
}

/** Every item of a paged list, following nextLink (at most 50 pages). */
export async function armList<T>(path: string, apiVersion: string): Promise<T[]> {
  const items: T[] = [];
  let next: string | null | undefined = path;
  for (let page = 0; next && page < 50; page += 1) {
    const body: ArmList<T> | null = await armGet<ArmList<T>>(next, apiVersion);
    items.push(...(body?.value ?? []));
    next = body?.nextLink;
  }
  return items;
}
