// Event-handler URL templates. Web PubSub knows two placeholders, `{hub}` and `{event}` (ARM:
// "two predefined parameters"), which may not appear in the host name. `{category}` belongs to
// Azure SignalR's upstream templates, not to Web PubSub: wpslink refuses it (and every other
// placeholder, Key Vault references and `tunnel:` URLs) with a message that says so, rather than
// guessing a value.

export class UrlTemplateError extends Error {
  override readonly name = "UrlTemplateError";
}

const placeholder = /\{([^{}]*)\}/g;

/** Templates already found valid (a template is checked once, not on every event). */
const validTemplates = new Set<string>();
const maxRemembered = 10_000;

/** Throws `UrlTemplateError` when the template is not one Web PubSub (as emulated) accepts. */
export function checkUrlTemplate(template: string): void {
  if (validTemplates.has(template)) return;
  checkUncached(template);
  if (validTemplates.size >= maxRemembered) validTemplates.clear();
  validTemplates.add(template);
}

function checkUncached(template: string): void {
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

export type ExpandedTemplate = { readonly url: URL } | { readonly error: string };

/**
 * Remembers expansions per template, hub and event (the same few combinations repeat on every
 * event). Cached `URL`s are shared: callers must not modify them.
 */
export class UrlTemplateCache {
  private readonly expanded = new Map<string, ExpandedTemplate>();

  constructor(private readonly capacity = 10_000) {}

  expand(template: string, hub: string, event: string): ExpandedTemplate {
    const key = `${template}\n${hub}\n${event}`;
    let result = this.expanded.get(key);
    if (result === undefined) {
      try {
        result = { url: expandUrlTemplate(template, hub, event) };
      } catch (error) {
        result = { error: error instanceof Error ? error.message : String(error) };
      }
      if (this.expanded.size >= this.capacity) this.expanded.clear();
      this.expanded.set(key, result);
    }
    return result;
  }
}

/** The URL as shown in traces: `code` (Functions key) and similar secrets in the query are masked. */
export function redactedUrl(url: URL): string {
  if (!url.search) return url.href;
  const href = url.href;
  let shown = redactedByHref.get(href);
  if (shown === undefined) {
    const copy = new URL(href);
    for (const key of [...copy.searchParams.keys()]) {
      if (/^(code|key|sig|token|secret)$/i.test(key)) copy.searchParams.set(key, "***");
    }
    shown = copy.href;
    if (redactedByHref.size >= maxRemembered) redactedByHref.clear();
    redactedByHref.set(href, shown);
  }
  return shown;
}

const redactedByHref = new Map<string, string>();
