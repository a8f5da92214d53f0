// The outgoing queue of one client socket. Frames queued in the same tick are written together
// in one `write()` (the per-write cost dominates fan-out, so coalescing is the main lever), and
// the bytes a socket has not taken yet are bounded: a client that stops reading is reported as
// slow instead of growing memory or delaying anyone else.
import type { Duplex } from "node:stream";

/** Flushes every outbox that received frames during the current tick, once, on `setImmediate`. */
export class FlushScheduler {
  private readonly dirty = new Set<SocketOutbox>();
  private scheduled = false;

  mark(outbox: SocketOutbox): void {
    this.dirty.add(outbox);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  forget(outbox: SocketOutbox): void {
    this.dirty.delete(outbox);
  }

  private run(): void {
    this.scheduled = false;
    for (const outbox of this.dirty) outbox.flush();
    this.dirty.clear();
  }
}

/** Above this many queued bytes a flush writes the chunks one by one (corked) instead of joining them. */
const joinLimitBytes = 256 * 1024;

export class SocketOutbox {
  private chunks: Buffer[] = [];
  private queuedBytes = 0;
  private overflowed = false;

  constructor(
    private readonly socket: Duplex,
    private readonly scheduler: FlushScheduler,
    /** Bytes the socket may hold unsent (ours plus its own write buffer). */
    private readonly limitBytes: number,
    private readonly onOverflow: () => void,
  ) {}

  /** Queues bytes; false (and `onOverflow` once) when the socket is over its limit. */
  push(chunk: Buffer): boolean {
    if (this.overflowed || this.socket.destroyed) return false;
    this.chunks.push(chunk);
    this.queuedBytes += chunk.length;
    if (this.queuedBytes + this.socket.writableLength > this.limitBytes) {
      this.overflowed = true;
      this.chunks = [];
      this.queuedBytes = 0;
      this.scheduler.forget(this);
      this.onOverflow();
      return false;
    }
    if (this.chunks.length === 1) this.scheduler.mark(this);
    return true;
  }

  /** Writes everything queued now (also used right before a close frame). */
  flush(): void {
    const chunks = this.chunks;
    if (chunks.length === 0) return;
    const bytes = this.queuedBytes;
    this.chunks = [];
    this.queuedBytes = 0;
    this.scheduler.forget(this);
    if (this.socket.destroyed || !this.socket.writable) return;
    if (chunks.length === 1) {
      this.socket.write(chunks[0] as Buffer);
    } else if (bytes <= joinLimitBytes) {
      this.socket.write(Buffer.concat(chunks, bytes));
    } else {
      this.socket.cork();
      for (const chunk of chunks) this.socket.write(chunk);
      this.socket.uncork();
    }
  }

  /** Drops whatever is queued (the socket is going away). */
  discard(): void {
    this.chunks = [];
    this.queuedBytes = 0;
    this.scheduler.forget(this);
  }

  get isOverflowed(): boolean {
    return this.overflowed;
  }
}
