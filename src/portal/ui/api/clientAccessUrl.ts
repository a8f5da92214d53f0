// The portal's "Client URL Generator": a client access URL signed in the browser with an access
// key, as the server SDK's getClientAccessToken does (HS256 over the key's UTF-8 bytes; audience
// `{endpoint}/client/hubs/{hub}`; `sub` is the user id, `role` the permissions).

export interface ClientUrlRequest {
  /** The endpoint from the connection string, e.g. `https://localhost:8443`. */
  readonly endpoint: string;
  readonly accessKey: string;
  readonly hub: string;
  readonly userId?: string;
  readonly roles?: readonly string[];
  readonly groups?: readonly string[];
  readonly expiresInMinutes: number;
}

function base64Url(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);

export async function clientAccessUrl(request: ClientUrlRequest): Promise<string> {
  const endpoint = request.endpoint.replace(/\/+$/, "");
  const hub = request.hub.trim();
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    aud: `${endpoint}/client/hubs/${hub}`,
    iat: now,
    exp: now + Math.round(request.expiresInMinutes * 60),
  };
  if (request.userId) payload.sub = request.userId;
  if (request.roles && request.roles.length > 0) payload.role = [...request.roles];
  if (request.groups && request.groups.length > 0) payload["webpubsub.group"] = [...request.groups];
  const signingInput = `${base64Url(utf8(JSON.stringify({ alg: "HS256", typ: "JWT" })))}.${base64Url(utf8(JSON.stringify(payload)))}`;
  const key = await crypto.subtle.importKey(
    "raw",
    utf8(request.accessKey),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8(signingInput)));
  const socketBase = endpoint.replace(/^http/i, "ws");
  return `${socketBase}/client/hubs/${encodeURIComponent(hub)}?access_token=${signingInput}.${base64Url(signature)}`;
}
