// Timeouts, retries and limits of event-handler calls. Azure does not document its own values;
// these defaults follow Microsoft's Web PubSub emulator where it has one (retry delays 1/3/5 s,
// 16 MiB response cap, 100 s overall budget, 10 s validation timeout, 1 min re-validation) and
// pick a per-attempt timeout so a hung upstream cannot hold a client for the whole budget.

export interface UpstreamSettings {
  /** Time allowed for one attempt: connect, request, response headers and body. Default 30 000. */
  readonly attemptTimeoutMs: number;
  /** Overall budget for one event, retries and their delays included. Default 100 000. */
  readonly totalTimeoutMs: number;
  /**
   * Delays before each retry; its length is the number of retries (default [1000, 3000, 5000],
   * so at most 4 attempts). Only HTTP 408, 5xx and network errors are retried, never other 4xx
   * nor a timed-out attempt (the upstream may still be working on it).
   */
  readonly retryDelaysMs: readonly number[];
  /** Responses larger than this fail the call (status 500 to the client). Default 16 MiB. */
  readonly maxResponseBytes: number;
  /** Timeout of one abuse-protection (OPTIONS) request. Default 10 000. */
  readonly validationTimeoutMs: number;
  /** A successful validation is re-checked (in the background) after this long. Default 60 000. */
  readonly validationTtlMs: number;
  /** After a failed validation, events fail at once for this long, doubling per failure... */
  readonly validationRetryInitialMs: number;
  /** ...up to this. Defaults 1 000 and 60 000. */
  readonly validationRetryMaxMs: number;
  /** Keep-alive connections per upstream origin. Default 32. */
  readonly maxConnectionsPerOrigin: number;
  /** Idle keep-alive connections are closed after this (or the upstream's hint). Default 10 000. */
  readonly keepAliveTimeoutMs: number;
  /** Fire-and-forget events (`connected`, `disconnected`) waiting per upstream host. Default 1 000. */
  readonly maxPendingEventsPerHost: number;
  /** Fire-and-forget events in flight at once per upstream host. Default 8. */
  readonly fireAndForgetConcurrency: number;
}

export const defaultUpstreamSettings: UpstreamSettings = {
  attemptTimeoutMs: 30_000,
  totalTimeoutMs: 100_000,
  retryDelaysMs: [1000, 3000, 5000],
  maxResponseBytes: 16 * 1024 * 1024,
  validationTimeoutMs: 10_000,
  validationTtlMs: 60_000,
  validationRetryInitialMs: 1000,
  validationRetryMaxMs: 60_000,
  maxConnectionsPerOrigin: 32,
  keepAliveTimeoutMs: 10_000,
  maxPendingEventsPerHost: 1000,
  fireAndForgetConcurrency: 8,
};

/** Defaults overlaid with the given values; refuses values that make no sense. */
export function resolveUpstreamSettings(partial: Partial<UpstreamSettings> = {}): UpstreamSettings {
  const settings = { ...defaultUpstreamSettings, ...partial };
  const positive: (keyof UpstreamSettings)[] = [
    "attemptTimeoutMs",
    "totalTimeoutMs",
    "maxResponseBytes",
    "validationTimeoutMs",
    "maxConnectionsPerOrigin",
    "keepAliveTimeoutMs",
    "maxPendingEventsPerHost",
    "fireAndForgetConcurrency",
  ];
  for (const key of positive) {
    const value = settings[key];
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw new RangeError(`upstream setting ${key} must be a positive number, got ${String(value)}`);
    }
  }
  for (const key of ["validationTtlMs", "validationRetryInitialMs", "validationRetryMaxMs"] as const) {
    if (!Number.isFinite(settings[key]) || settings[key] < 0) {
      throw new RangeError(`upstream setting ${key} must be zero or more, got ${settings[key]}`);
    }
  }
  if (settings.retryDelaysMs.some((d) => !Number.isFinite(d) || d < 0)) {
    throw new RangeError("upstream setting retryDelaysMs must hold delays of zero or more milliseconds");
  }
  return settings;
}
