// Per-connection cookies. Like Microsoft's emulator, wpslink keeps the cookies an upstream sets
// with `Set-Cookie` on a 2xx answer and sends them back (`Cookie`) on the connection's later
// events. Only name and value are kept: Domain, Path, Secure and Expires are ignored (all events
// of a connection go to the same app); `Max-Age=0` or an empty value removes a cookie.

export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Applies `Set-Cookie` header values. */
  store(setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const [pair = "", ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age\s*=\s*(0|-\d+)\s*$/i.test(a));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** The `Cookie` header value, or undefined when there are none. */
  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}
