// Event-handler URL templates. Web PubSub knows two placeholders, `{hub}` and `{event}` (ARM:
// "two predefined parameters"), which may not appear in the host name. `{category}` belongs to
// Azure SignalR's upstream templates, not to Web PubSub: wpslink refuses it (and every other
// placeholder, Key Vault references and `tunnel:` URLs) with a message that says so, rather than
// guessing a value.

export class UrlTemplateError extends Error {
  override readonly name = "UrlTemplateError";
}

const placeholder = /\{([^{}]*)\}/g;

/** Throws `UrlTemplateError` when the template is not one Web PubSub (as emulated) accepts. */
export function checkUrlTemplate(template: string): void {
  if (/^tunnel:/i.test(template)) {
    throw new UrlTemplateError(
      `event handler URL template "${template}": tunnel:// URLs (awps-tunnel) are not supported by wpslink; point the handler at the app's own http(s) URL`,
    );
  }
  for (const match of template.matchAll(placeholder)) {
    const name = match[1] ?? "";
    if (name === "hub" || name === "event") continue;
    if (name.startsWith("@Microsoft.KeyVault")) {
      throw new UrlTemplateError(
        `event handler URL template "${template}": Key Vault references are not supported by wpslink; put the value in the template`,
      );
    }
    if (name === "category") {
      throw new UrlTemplateError(
        `event handler URL template "${template}": {category} is an Azure SignalR upstream placeholder, not a Web PubSub one; Web PubSub templates may use only {hub} and {event}`,
      );
    }
    throw new UrlTemplateError(
      `event handler URL template "${template}": unknown placeholder {${name}}; Web PubSub templates may use only {hub} and {event}`,
    );
  }
  const sample = template.replace(placeholder, "x");
  let url: URL;
  try {
    url = new URL(sample);
  } catch {
    throw new UrlTemplateError(`event handler URL template "${template}" is not an absolute URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UrlTemplateError(`event handler URL template "${template}" must use http or https`);
  }
  const authority = template.slice(template.indexOf("//") + 2).split(/[/?#]/, 1)[0] ?? "";
  if (authority.includes("{")) {
    throw new UrlTemplateError(
      `event handler URL template "${template}": placeholders are not allowed in the host name`,
    );
  }
}

/** The URL for one event; `{hub}` and `{event}` are percent-encoded as path segments. */
export function expandUrlTemplate(template: string, hub: string, event: string): URL {
  checkUrlTemplate(template);
  return new URL(
    template.replace(placeholder, (_whole, name: string) => encodeURIComponent(name === "hub" ? hub : event)),
  );
}

/** The URL as shown in traces: `code` (Functions key) and similar secrets in the query are masked. */
export function redactedUrl(url: URL): string {
  if (!url.search) return url.href;
  const copy = new URL(url.href);
  for (const key of [...copy.searchParams.keys()]) {
    if (/^(code|key|sig|token|secret)$/i.test(key)) copy.searchParams.set(key, "***");
  }
  return copy.href;
}
