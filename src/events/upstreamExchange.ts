// One HTTP exchange on an undici `Client`, driven through `dispatch` with a small handler that
// collects the response into a Buffer. This is what `client.request()` plus reading its body did,
// without the per-call machinery that costs most on a hot path: no AbortController and abort
// listener, no async resource (async-hooks bookkeeping), no Readable stream and async iterator.
import type { Client, Dispatcher } from "undici";

export type ResponseHeaders = Record<string, string | string[] | undefined>;

export type ExchangeOutcome =
  | {
      readonly kind: "response";
      readonly status: number;
      readonly headers: ResponseHeaders;
      readonly body: Buffer;
    }
  /** The answer was larger than the limit (the connection is closed). */
  | { readonly kind: "oversize"; readonly status: number }
  /** `abort()` was called (deadline or shutdown) before a complete response. */
  | { readonly kind: "aborted" }
  | { readonly kind: "error"; readonly error: Error };

export interface ExchangeRequest {
  readonly method: "POST" | "OPTIONS";
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
  readonly maxResponseBytes: number;
}

/** A started exchange: `done` settles once; `abort()` ends it early (like aborting a signal). */
export interface Exchange {
  readonly done: Promise<ExchangeOutcome>;
  abort(): void;
}

const abortedError = (): Error =>
  Object.assign(new Error("The operation was aborted"), { name: "AbortError" });

class CollectingHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private abortRequested = false;
  private settled = false;
  private status = 0;
  private headers: ResponseHeaders = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly settle: (outcome: ExchangeOutcome) => void,
  ) {}

  abort(): void {
    if (this.settled) return;
    this.abortRequested = true;
    // Not yet on a socket: aborted as soon as undici starts it (as an aborted signal would be).
    this.controller?.abort(abortedError());
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortRequested) controller.abort(abortedError());
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: ResponseHeaders,
  ): void {
    if (statusCode < 200) return; // informational answers are not the response
    this.status = statusCode;
    this.headers = headers;
    const declared = Number(headers["content-length"]);
    if (Number.isFinite(declared) && declared > this.maxBytes) this.oversize(controller);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      this.oversize(controller);
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    const { chunks } = this;
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, this.size);
    this.finish({ kind: "response", status: this.status, headers: this.headers, body });
  }

  onResponseError(_controller: unknown, error: Error): void {
    if (this.settled) return;
    this.finish(this.abortRequested ? { kind: "aborted" } : { kind: "error", error });
  }

  private oversize(controller: Dispatcher.DispatchController): void {
    this.finish({ kind: "oversize", status: this.status });
    controller.abort(new Error("response body too large"));
  }

  private finish(outcome: ExchangeOutcome): void {
    this.settled = true;
    this.settle(outcome);
  }
}

export function startExchange(client: Client, request: ExchangeRequest): Exchange {
  let handler: CollectingHandler | undefined;
  const done = new Promise<ExchangeOutcome>((resolve) => {
    handler = new CollectingHandler(request.maxResponseBytes, resolve);
  });
  const started = handler as unknown as CollectingHandler;
  client.dispatch(
    {
      method: request.method,
      path: request.path,
      headers: request.headers,
      body: request.body ?? null,
    },
    started,
  );
  return { done, abort: () => started.abort() };
}
