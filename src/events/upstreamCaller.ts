// One upstream call: an HTTP exchange through the keep-alive pool with a per-attempt deadline,
// an overall budget, retries for 408/5xx/network errors (never other 4xx, never a timed-out
// attempt), a response size cap, and a trace record for every attempt.
import { setTimeout as sleep } from "node:timers/promises";
import type { DialRoute } from "../network/egressDialer.js";
import type { TraceBus } from "../trace/traceBus.js";
import type { UpstreamClientPool } from "./upstreamClientPool.js";
import type { UpstreamSettings } from "./upstreamSettings.js";
import { redactedUrl } from "./urlTemplate.js";
import { startExchange, type Exchange, type ResponseHeaders } from "./upstreamExchange.js";

export interface UpstreamRequest {
  readonly method: "POST" | "OPTIONS";
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
  /** For the trace. */
  readonly hub: string;
  readonly event: string;
  readonly connectionId?: string;
  /** False for validation requests (they have their own back-off). */
  readonly retry: boolean;
  /** Overrides the per-attempt timeout (validation). */
  readonly attemptTimeoutMs?: number;
}

export type { ResponseHeaders };

export interface UpstreamResponse {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly body: Buffer;
}

export type UpstreamResult =
  | { readonly ok: true; readonly response: UpstreamResponse; readonly attempts: number }
  | { readonly ok: false; readonly reason: string; readonly attempts: number };

type AttemptResult =
  { kind: "response"; response: UpstreamResponse } | { kind: "error"; reason: string; retryable: boolean };

const retryableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_CLOSED",
]);

export interface UpstreamCallerOptions {
  readonly pool: UpstreamClientPool;
  readonly settings: UpstreamSettings;
  readonly trace: TraceBus;
  readonly resourceName: string;
  /** Aborted when the dispatcher closes: waits and calls stop at once. */
  readonly shutdown: AbortSignal;
}

export class UpstreamCaller {
  /** Exchanges on the wire: shutdown aborts them all (one listener, not one per call). */
  private readonly inFlight = new Set<Exchange>();

  constructor(private readonly options: UpstreamCallerOptions) {
    options.shutdown.addEventListener(
      "abort",
      () => {
        for (const exchange of this.inFlight) exchange.abort();
      },
      { once: true },
    );
  }

  async call(request: UpstreamRequest): Promise<UpstreamResult> {
    const { settings, shutdown } = this.options;
    const deadline = Date.now() + settings.totalTimeoutMs;
    const maxAttempts = request.retry ? settings.retryDelaysMs.length + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      if (shutdown.aborted)
        return { ok: false, reason: "the service is shutting down", attempts: attempt - 1 };
      const remaining = deadline - Date.now();
      const timeoutMs = Math.min(request.attemptTimeoutMs ?? settings.attemptTimeoutMs, remaining);
      const result = await this.attempt(request, attempt, timeoutMs);
      const retryable =
        result.kind === "error"
          ? result.retryable
          : result.response.status === 408 || result.response.status >= 500;
      const delay = settings.retryDelaysMs[attempt - 1] ?? 0;
      const canRetry = retryable && attempt < maxAttempts && Date.now() + delay < deadline;
      if (!canRetry) {
        return result.kind === "response"
          ? { ok: true, response: result.response, attempts: attempt }
          : { ok: false, reason: result.reason, attempts: attempt };
      }
      try {
        await sleep(delay, undefined, { signal: shutdown });
      } catch {
        return { ok: false, reason: "the service is shutting down", attempts: attempt };
      }
    }
  }

  private async attempt(
    request: UpstreamRequest,
    attempt: number,
    timeoutMs: number,
  ): Promise<AttemptResult> {
    const started = performance.now();
    const lease = this.options.pool.acquire(request.url.origin);
    const { maxResponseBytes } = this.options.settings;
    let result: AttemptResult;
    let timedOut = false;
    let exchange: Exchange | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      exchange = startExchange(lease.client, {
        method: request.method,
        path: request.url.pathname + request.url.search,
        headers: request.headers,
        body: request.body,
        maxResponseBytes,
      });
      const running = exchange;
      timer = setTimeout(() => {
        timedOut = true;
        running.abort();
      }, timeoutMs);
      this.inFlight.add(running);
      const outcome = await running.done;
      switch (outcome.kind) {
        case "response":
          result = {
            kind: "response",
            response: { status: outcome.status, headers: outcome.headers, body: outcome.body },
          };
          break;
        case "oversize":
          result = {
            kind: "error",
            reason: `response body exceeds the ${maxResponseBytes}-byte limit (status ${outcome.status})`,
            retryable: false,
          };
          break;
        case "aborted":
          result = this.abortedResult(timedOut, timeoutMs);
          break;
        case "error":
          result =
            timedOut || this.options.shutdown.aborted
              ? this.abortedResult(timedOut, timeoutMs)
              : describeError(outcome.error);
          break;
      }
    } catch (error) {
      result = describeError(error);
    } finally {
      clearTimeout(timer);
      if (exchange) this.inFlight.delete(exchange);
      lease.release();
    }
    this.traceAttempt(request, attempt, performance.now() - started, result, lease.route());
    return result;
  }

  private abortedResult(timedOut: boolean, timeoutMs: number): AttemptResult {
    return timedOut
      ? { kind: "error", reason: `no complete response within ${timeoutMs} ms`, retryable: false }
      : { kind: "error", reason: "the service is shutting down", retryable: false };
  }

  private traceAttempt(
    request: UpstreamRequest,
    attempt: number,
    latencyMs: number,
    result: AttemptResult,
    route: DialRoute | undefined,
  ): void {
    this.options.trace.publish({
      category: "upstream",
      kind: "upstream.call",
      resource: this.options.resourceName,
      hub: request.hub,
      ...(request.connectionId ? { connectionId: request.connectionId } : {}),
      details: {
        event: request.event,
        url: redactedUrl(request.url),
        method: request.method,
        status: result.kind === "response" ? result.response.status : null,
        latencyMs: Math.round(latencyMs * 10) / 10,
        attempt,
        path: route?.path ?? null,
        localAddress: route ? routeAddresses(route).local : null,
        remoteAddress: route ? routeAddresses(route).remote : null,
        ...(route?.note ? { routeNote: route.note } : {}),
        ...(result.kind === "error" ? { error: result.reason } : {}),
      },
    });
  }
}

/** `ip:port` of both ends, formatted once per route (a route belongs to one pooled socket). */
const formattedRoutes = new WeakMap<DialRoute, { local: string; remote: string }>();
function routeAddresses(route: DialRoute): { local: string; remote: string } {
  let formatted = formattedRoutes.get(route);
  if (!formatted) {
    formatted = {
      local: `${route.localAddress}:${route.localPort}`,
      remote: `${route.remoteAddress}:${route.remotePort}`,
    };
    formattedRoutes.set(route, formatted);
  }
  return formatted;
}

function describeError(error: unknown): AttemptResult {
  const err = error as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const code =
    typeof err.code === "string" ? err.code : typeof err.cause?.code === "string" ? err.cause.code : "";
  const message = typeof err.message === "string" ? err.message : String(error);
  return {
    kind: "error",
    reason: code ? `${code}: ${message}` : message,
    retryable: retryableCodes.has(code),
  };
}
