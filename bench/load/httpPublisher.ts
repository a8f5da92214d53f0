// The HTTP publisher of the fan-out scenarios: keep-alive POSTs of marked payloads, either closed
// loop (as fast as the server takes them, with a bound on messages not yet seen by every probe
// client so nothing queues without limit) or open loop at a fixed rate.
import http from "node:http";
import { markedPayload } from "./protocols.js";

export interface PublishOptions {
  readonly mode: "closed" | "rate";
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly expectStatus: number;
  readonly bodyBytes: number;
  /** Closed loop: at most this many messages published but not yet received by every probe. */
  readonly window: number;
  readonly maxInFlight: number;
  /** Open loop: messages per second. */
  readonly rate: number;
}

export class HttpPublisher {
  published = 0;
  errors = 0;
  firstError = "";
  /** Open loop: ticks at which the publisher could not keep the rate (too many in flight). */
  behind = 0;
  private inFlight = 0;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly agent: http.Agent;
  private readonly target: URL;
  private idle: (() => void) | null = null;

  constructor(
    private readonly options: PublishOptions,
    private readonly deliveredToAllProbes: () => number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.maxInFlight });
    this.target = new URL(options.url);
  }

  start(): void {
    this.running = true;
    if (this.options.mode === "closed") {
      this.pump();
      return;
    }
    const started = performance.now();
    this.timer = setInterval(() => {
      const due = Math.floor(((performance.now() - started) * this.options.rate) / 1000);
      while (this.published < due) {
        if (this.inFlight >= this.options.maxInFlight) {
          this.behind++;
          return;
        }
        this.sendOne();
      }
    }, 2);
  }

  /** Closed loop: publish while the in-flight and delivery windows allow. */
  pump(): void {
    if (!this.running || this.options.mode !== "closed") return;
    while (
      this.inFlight < this.options.maxInFlight &&
      this.published - this.deliveredToAllProbes() < this.options.window
    ) {
      this.sendOne();
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    this.agent.destroy();
  }

  private sendOne(): void {
    this.published++;
    this.inFlight++;
    const body = markedPayload(this.published, this.options.bodyBytes);
    const request = http.request(
      {
        host: this.target.hostname,
        port: this.target.port,
        path: this.target.pathname + this.target.search,
        method: "POST",
        agent: this.agent,
        headers: { ...this.options.headers, "content-length": Buffer.byteLength(body) },
      },
      (response) => {
        if (response.statusCode !== this.options.expectStatus) {
          this.fail(`HTTP ${response.statusCode}`);
          response.setEncoding("utf8");
          response.on("data", (text: string) => (this.firstError += this.errors === 1 ? ` ${text}` : ""));
        }
        response.resume();
        response.on("end", () => this.done());
      },
    );
    request.on("error", (error) => {
      this.fail(error.message);
      this.done();
    });
    request.end(body);
  }

  private fail(message: string): void {
    this.errors++;
    if (this.errors === 1) this.firstError = message;
  }

  private done(): void {
    this.inFlight--;
    if (this.running) this.pump();
    else if (this.inFlight === 0 && this.idle) this.idle();
  }
}
