// The abuse-protection (validation) handshake of reference §3.2: before events go to an upstream,
// an OPTIONS request to the handler's URL with `{event}` = `validate`, carrying
// `WebHook-Request-Origin` and `ce-awpsversion: 1.0`; the upstream must answer 2xx with a
// `WebHook-Allowed-Origin` that is `*` or names our origin. Results are cached per validation
// URL and origin (so a template without `{hub}` is validated once per upstream host): a success
// is re-checked in the background after `validationTtlMs` while events keep flowing; a failure
// makes events to that URL fail at once, with the reason, until a back-off (1 s doubling to
// 1 min by default) lets the next event try again.
import type { TraceBus } from "../trace/traceBus.js";
import { originAllowed, parseAllowedOrigins } from "./allowedOrigins.js";
import type { UpstreamCaller } from "./upstreamCaller.js";
import type { UpstreamSettings } from "./upstreamSettings.js";
import { redactedUrl } from "./urlTemplate.js";

export type ValidationResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

interface CacheEntry {
  result: ValidationResult;
  checkedAt: number;
  failures: number;
  retryAt: number;
  pending: Promise<ValidationResult> | undefined;
}

export interface ValidationTarget {
  readonly url: URL;
  readonly origin: string;
  readonly hub: string;
  /** Extra headers (e.g. the managed-identity Authorization header). */
  readonly headers?: Record<string, string>;
}

export interface AbuseProtectionOptions {
  readonly caller: UpstreamCaller;
  readonly settings: UpstreamSettings;
  readonly trace: TraceBus;
  readonly resourceName: string;
  readonly now?: () => number;
}

export class AbuseProtection {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly now: () => number;

  constructor(private readonly options: AbuseProtectionOptions) {
    this.now = options.now ?? Date.now;
  }

  async ensure(target: ValidationTarget): Promise<ValidationResult> {
    const key = `${target.url.href} ${target.origin.toLowerCase()}`;
    const entry = this.cache.get(key);
    const now = this.now();
    if (!entry) {
      const created: CacheEntry = {
        result: { ok: false, reason: "" },
        checkedAt: 0,
        failures: 0,
        retryAt: 0,
        pending: undefined,
      };
      this.cache.set(key, created);
      return this.refresh(created, target);
    }
    if (entry.pending && !entry.result.ok) return entry.pending;
    if (entry.result.ok) {
      if (!entry.pending && now - entry.checkedAt >= this.options.settings.validationTtlMs) {
        void this.refresh(entry, target);
      }
      return entry.result;
    }
    if (now < entry.retryAt) return entry.result;
    return this.refresh(entry, target);
  }

  private refresh(entry: CacheEntry, target: ValidationTarget): Promise<ValidationResult> {
    entry.pending ??= this.validate(target).then((result) => {
      const { settings } = this.options;
      entry.result = result;
      entry.checkedAt = this.now();
      entry.pending = undefined;
      entry.failures = result.ok ? 0 : entry.failures + 1;
      const backoff = Math.min(
        settings.validationRetryInitialMs * 2 ** Math.max(0, entry.failures - 1),
        settings.validationRetryMaxMs,
      );
      entry.retryAt = result.ok ? 0 : entry.checkedAt + backoff;
      return result;
    });
    return entry.pending;
  }

  private async validate(target: ValidationTarget): Promise<ValidationResult> {
    const outcome = await this.options.caller.call({
      method: "OPTIONS",
      url: target.url,
      headers: { ...target.headers, "WebHook-Request-Origin": target.origin, "ce-awpsversion": "1.0" },
      hub: target.hub,
      event: "validate",
      retry: false,
      attemptTimeoutMs: this.options.settings.validationTimeoutMs,
    });
    const shown = redactedUrl(target.url);
    let result: ValidationResult;
    if (!outcome.ok) {
      result = { ok: false, reason: `abuse-protection request OPTIONS ${shown} failed: ${outcome.reason}` };
    } else if (outcome.response.status < 200 || outcome.response.status > 299) {
      result = {
        ok: false,
        reason: `AbuseProtectionResponseInvalidStatusCode: OPTIONS ${shown} answered ${outcome.response.status}, expected 2xx`,
      };
    } else {
      const raw = outcome.response.headers["webhook-allowed-origin"];
      const allowed = parseAllowedOrigins(raw);
      result = originAllowed(allowed, target.origin)
        ? { ok: true }
        : {
            ok: false,
            reason:
              allowed.length === 0
                ? `AbuseProtectionResponseMissingAllowedOrigin: OPTIONS ${shown} answered without a WebHook-Allowed-Origin header`
                : `AbuseProtectionResponseMissingAllowedOrigin: OPTIONS ${shown} allows ${allowed.join(", ")}, not this service's origin ${target.origin}`,
          };
    }
    this.options.trace.publish({
      category: "upstream",
      kind: result.ok ? "validation.ok" : "validation.failed",
      resource: this.options.resourceName,
      hub: target.hub,
      details: { url: shown, origin: target.origin, ...(result.ok ? {} : { reason: result.reason }) },
    });
    return result;
  }
}
