// Relays a backend's answer into the front end's `ServerResponse` as undici delivers it: a
// dispatch handler that writes each chunk straight through (pausing undici while the client's
// socket is full). It does what `pool.stream(..., () => response)` did, without the per-request
// stream plumbing and async-hooks resource that cost most of a small proxied request.
import type http from "node:http";
import type { Dispatcher } from "undici";

/** Response headers a proxy must not forward (they describe the backend connection). */
function isConnectionHeader(name: string): boolean {
  return name === "connection" || name === "keep-alive" || name === "transfer-encoding";
}

export class ProxiedResponse implements Dispatcher.DispatchHandler {
  private status = 502;
  private finished = false;
  private controller: Dispatcher.DispatchController | undefined;
  private readonly onDrain = (): void => this.controller?.resume();

  /**
   * @param done called once: with the backend's status when the answer has been relayed, or with
   *   the error (the caller answers 502 if nothing was sent yet).
   */
  constructor(
    private readonly response: http.ServerResponse,
    private readonly done: (status: number, error?: Error) => void,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return; // informational answers are not relayed
    this.status = statusCode;
    const out: Record<string, string | string[]> = {};
    for (const name in headers) {
      const value = headers[name];
      if (value === undefined || isConnectionHeader(name)) continue;
      out[name] = value;
    }
    const { response } = this;
    if (response.destroyed) {
      controller.abort(new Error("the client went away"));
      return;
    }
    response.writeHead(statusCode, out);
    // A client that goes away mid-answer ends the backend request too.
    response.once("close", () => {
      if (!this.finished) controller.abort(new Error("the client went away"));
    });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.response.write(chunk)) {
      controller.pause();
      this.response.once("drain", this.onDrain);
    }
  }

  onResponseEnd(): void {
    if (this.finished) return;
    this.finished = true;
    this.response.end();
    this.done(this.status);
  }

  onResponseError(_controller: unknown, error: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.done(502, error);
  }
}
