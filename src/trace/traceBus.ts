// The live-trace bus: every connection, event and upstream call is published here. The portal's
// Live trace, the `/_wpslink/trace` introspection endpoint and the tests subscribe to it.
import { EventEmitter } from "node:events";

export type TraceCategory = "connection" | "message" | "upstream" | "rest" | "arm" | "network" | "site";

export interface TraceRecord {
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly category: TraceCategory;
  /** Short machine-readable kind, e.g. `connected`, `upstream.call`, `validation.failed`. */
  readonly kind: string;
  /** The ARM resource id (or name) the record belongs to, when there is one. */
  readonly resource?: string;
  readonly hub?: string;
  readonly connectionId?: string;
  /** Free-form structured details (status, url, latency, path, sourceAddress, reason, ...). */
  readonly details?: Readonly<Record<string, unknown>>;
}

export type TraceListener = (record: TraceRecord) => void;

export class TraceBus {
  private readonly emitter = new EventEmitter();
  /** A ring of the most recent records: `next` is where the next one goes. */
  private readonly recent: (TraceRecord | undefined)[];
  private next = 0;
  private count = 0;

  constructor(private readonly capacity = 2000) {
    this.emitter.setMaxListeners(0);
    this.recent = new Array<TraceRecord | undefined>(capacity);
  }

  publish(record: Omit<TraceRecord, "time"> & { time?: number }): void {
    const full: TraceRecord = { ...record, time: record.time ?? Date.now() };
    this.recent[this.next] = full;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count += 1;
    if (this.emitter.listenerCount("record") > 0) this.emitter.emit("record", full);
  }

  subscribe(listener: TraceListener): () => void {
    this.emitter.on("record", listener);
    return () => this.emitter.off("record", listener);
  }

  /** The most recent records, oldest first, optionally filtered. */
  snapshot(filter?: (record: TraceRecord) => boolean): TraceRecord[] {
    const result: TraceRecord[] = [];
    const first = (this.next - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i += 1) {
      const record = this.recent[(first + i) % this.capacity];
      if (record && (!filter || filter(record))) result.push(record);
    }
    return result;
  }
}
