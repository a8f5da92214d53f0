// Reading `WebHook-Allowed-Origin` from an abuse-protection answer. The header may be `*`, a
// comma list, or repeated (Node joins repeated lines with ", "; undici gives an array). Entries
// come as a bare host (the .NET SDK, Microsoft's emulator) or `host:port` (web-pubsub-express
// builds them with `new URL(endpoint).host`); some apps write a whole URL. All are accepted.

export function parseAllowedOrigins(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const lines = typeof value === "string" ? [value] : value;
  return lines
    .flatMap((line) => line.split(","))
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry.length > 0)
    .map((entry) => (entry.includes("://") ? hostOfUrl(entry) : entry.replace(/\/+$/, "")));
}

function hostOfUrl(entry: string): string {
  try {
    return new URL(entry).host;
  } catch {
    return entry;
  }
}

function splitHostPort(value: string): { host: string; port: string | null } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (bracketed) return { host: bracketed[1] ?? "", port: bracketed[2] ?? null };
  const colon = value.lastIndexOf(":");
  if (colon > 0 && value.indexOf(":") === colon && /^\d+$/.test(value.slice(colon + 1))) {
    return { host: value.slice(0, colon), port: value.slice(colon + 1) };
  }
  return { host: value, port: null };
}

/**
 * True when `origin` (what we sent as `WebHook-Request-Origin`, `host` or `host:port`) is allowed:
 * `*`, the same `host:port`, or the same host where either side names no port.
 */
export function originAllowed(allowed: readonly string[], origin: string): boolean {
  const ours = splitHostPort(origin.trim().toLowerCase());
  return allowed.some((entry) => {
    if (entry === "*") return true;
    const theirs = splitHostPort(entry);
    if (theirs.host !== ours.host) return false;
    return theirs.port === null || ours.port === null || theirs.port === ours.port;
  });
}
