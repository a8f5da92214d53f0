// One upstream call: an HTTP exchange through the keep-alive pool with a per-attempt deadline,
// an overall budget, retries for 408/5xx/network errors (never other 4xx, never a timed-out
// attempt), a response size cap, and a trace record for every attempt.
import { setTimeout as sleep } from "node:timers/promises";
import type { DialRoute } from "../network/egressDialer.js";
import type { TraceBus } from "../trace/traceBus.js";
import type { UpstreamClientPool } from "./upstreamClientPool.js";
import type { UpstreamSettings } from "./upstreamSettings.js";
import { redactedUrl } from "./urlTemplate.js";

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

export type ResponseHeaders = Record<string, string | string[] | undefined>;

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
  constructor(private readonly options: UpstreamCallerOptions) {}

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
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onShutdown = (): void => controller.abort();
    this.options.shutdown.addEventListener("abort", onShutdown, { once: true });
    let result: AttemptResult;
    try {
      const response = await lease.client.request({
        method: request.method,
        path: request.url.pathname + request.url.search,
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
      });
      const body = await readCapped(response.body, response.headers, this.options.settings.maxResponseBytes);
      result =
        body === null
          ? {
              kind: "error",
              reason: `response body exceeds the ${this.options.settings.maxResponseBytes}-byte limit (status ${response.statusCode})`,
              retryable: false,
            }
          : { kind: "response", response: { status: response.statusCode, headers: response.headers, body } };
    } catch (error) {
      result = timedOut
        ? { kind: "error", reason: `no complete response within ${timeoutMs} ms`, retryable: false }
        : this.options.shutdown.aborted
          ? { kind: "error", reason: "the service is shutting down", retryable: false }
          : describeError(error);
    } finally {
      clearTimeout(timer);
      this.options.shutdown.removeEventListener("abort", onShutdown);
      lease.release();
    }
    this.traceAttempt(request, attempt, performance.now() - started, result, lease.route());
    return result;
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
        localAddress: route ? `${route.localAddress}:${route.localPort}` : null,
        remoteAddress: route ? `${route.remoteAddress}:${route.remotePort}` : null,
        ...(route?.note ? { routeNote: route.note } : {}),
        ...(result.kind === "error" ? { error: result.reason } : {}),
      },
    });
  }
}

/** The body, or null when it is larger than `max` bytes (the stream is then destroyed). */
async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(error?: Error): unknown },
  headers: ResponseHeaders,
  max: number,
): Promise<Buffer | null> {
  const declared = Number(headers["content-length"]);
  if (Number.isFinite(declared) && declared > max) {
    body.destroy();
    return null;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      return null;
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
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
