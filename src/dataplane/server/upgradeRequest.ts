// Reading a client's upgrade request: which hub (`/client/hubs/{hub}` or `/client/?hub=`), the
// token (query `access_token` first, then `Authorization: Bearer`), offered subprotocols, the
// recovery parameters of a reliable client, and the raw-client mode.
import type { IncomingMessage } from "node:http";

/** The service's hub-name rule. */
export const hubNamePattern = /^[A-Za-z][A-Za-z0-9_`,.[\]]{0,127}$/u;

export interface ClientRequest {
  readonly hub: string;
  readonly query: URLSearchParams;
  readonly token: string | null;
  readonly offeredSubprotocols: string[];
  readonly recovery: { readonly connectionId: string; readonly reconnectionToken: string } | null;
}

export type ParsedUpgrade =
  | { readonly ok: true; readonly request: ClientRequest }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

export function parseUpgrade(request: IncomingMessage): ParsedUpgrade {
  const url = new URL(request.url ?? "/", "http://service.invalid");
  const path = url.pathname;
  let rawHub: string | null = null;
  const hubPath = /^\/client\/hubs\/([^/]+)\/?$/u.exec(path);
  if (hubPath) rawHub = hubPath[1] as string;
  else if (path === "/client" || path === "/client/") rawHub = url.searchParams.get("hub");
  else
    return {
      ok: false,
      status: 404,
      code: "NotFound",
      message: `No WebSocket endpoint at ${path}; clients connect to /client/hubs/{hub}.`,
    };
  if (rawHub === null || rawHub.length === 0) {
    return {
      ok: false,
      status: 400,
      code: "BadRequest",
      message: "The hub is missing: use /client/hubs/{hub} or /client/?hub={hub}.",
    };
  }
  let hub: string;
  try {
    hub = hubPath ? decodeURIComponent(rawHub) : rawHub;
  } catch {
    return {
      ok: false,
      status: 400,
      code: "BadRequest",
      message: "The hub name is not valid percent-encoding.",
    };
  }
  if (!hubNamePattern.test(hub)) {
    return {
      ok: false,
      status: 400,
      code: "BadRequest",
      message: `Invalid hub name '${hub}': it must start with a letter and hold at most 128 letters, digits or _\`,.[] characters.`,
    };
  }
  const authorization = request.headers.authorization;
  const bearer = authorization && /^Bearer\s+(.+)$/iu.exec(authorization)?.[1];
  const token = url.searchParams.get("access_token") || bearer || null;
  const offered = (request.headers["sec-websocket-protocol"] ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  const connectionId = url.searchParams.get("awps_connection_id");
  const reconnectionToken = url.searchParams.get("awps_reconnection_token");
  return {
    ok: true,
    request: {
      hub: hub.toLowerCase(),
      query: url.searchParams,
      token,
      offeredSubprotocols: offered,
      recovery: connectionId ? { connectionId, reconnectionToken: reconnectionToken ?? "" } : null,
    },
  };
}

/** Query parameters as the `connect` event shows them (without the token). */
export function queryForConnect(query: URLSearchParams): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of query) {
    if (name === "access_token") continue;
    (result[name] ??= []).push(value);
  }
  return result;
}

/** Request headers as the `connect` event shows them (without Authorization). */
export function headersForConnect(request: IncomingMessage): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i] as string;
    if (name.toLowerCase() === "authorization") continue;
    (result[name] ??= []).push(request.rawHeaders[i + 1] as string);
  }
  return result;
}
