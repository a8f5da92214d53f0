// The outgoing queue of one client socket. Frames queued in the same tick are written together
// in one `write()` (the per-write cost dominates fan-out, so coalescing is the main lever), and
// the bytes a socket has not taken yet are bounded: a client that stops reading is reported as
// slow instead of growing memory or delaying anyone else.
import { performance } from "node:perf_hooks";
import type { Duplex } from "node:stream";

/**
 * A flush that took longer than this, followed by new frames soon after it (within its own
 * duration), means the process is saturated: the next flush is then put off turn by turn while
 * more frames keep arriving, so that more of them join each socket's write. A turn in which no
 * frame arrives flushes at once (the process never sits idle waiting), and the whole wait is
 * bounded. Frames after a quiet spell are flushed on the next turn as usual.
 */
const slowFlushMs = 2;
const maxCoalesceWaitMs = 5;

/**
 * Flushes every outbox that received frames since the last run, once, on `setImmediate`.
 *
 * The outboxes to flush are kept in an array and each outbox carries a `scheduled` flag, so a
 * recipient costs one array push per tick rather than a hash-set insert and delete per message.
 */
export class FlushScheduler {
  private pending: SocketOutbox[] = [];
  private scheduled = false;
  /** Frames queued on any outbox (a counter, so a run can tell whether more came in). */
  queuedFrames = 0;
  private framesAtLastLook = 0;
  private deferring = false;
  private scheduledAt = 0;
  private lastRunMs = 0;
  private lastRunEnd = 0;
  private readonly runBound = () => this.run();

  /** Called by an outbox the first time it queues a frame since it was last flushed by a run. */
  mark(outbox: SocketOutbox): void {
    this.pending.push(outbox);
    if (this.scheduled) return;
    this.scheduled = true;
    const now = performance.now();
    this.deferring = this.lastRunMs > slowFlushMs && now - this.lastRunEnd < this.lastRunMs;
    this.scheduledAt = now;
    this.framesAtLastLook = this.queuedFrames;
    setImmediate(this.runBound);
  }

  /**
   * An outbox holds a lot of bytes: the next run flushes without putting it off, so the wait
   * never brings a socket that reads normally closer to its byte limit.
   */
  hurry(): void {
    this.deferring = false;
  }

  private run(): void {
    if (this.deferring) {
      // Saturated: while frames keep arriving turn after turn, let them join (bounded wait);
      // a turn without new frames flushes at once, so the process never sits idle waiting.
      if (
        this.queuedFrames !== this.framesAtLastLook &&
        performance.now() - this.scheduledAt < maxCoalesceWaitMs
      ) {
        this.framesAtLastLook = this.queuedFrames;
        setImmediate(this.runBound);
        return;
      }
    }
    this.scheduled = false;
    this.deferring = false;
    const outboxes = this.pending;
    // Outboxes that queue again while this run writes go to the next run.
    this.pending = [];
    const started = performance.now();
    for (const outbox of outboxes) outbox.flushScheduled();
    this.lastRunEnd = performance.now();
    this.lastRunMs = this.lastRunEnd - started;
  }
}

/** Above this many queued bytes a flush writes the chunks one by one (corked) instead of joining them. */
const joinLimitBytes = 256 * 1024;

/** Told once when an outbox goes over its limit (the connection that owns the socket). */
export interface OutboxOverflowListener {
  outboxOverflowed(): void;
}

export class SocketOutbox {
  // The queue: most flushes carry one frame, so the first chunk has its own field and an array
  // is made only when a second one joins it.
  private first: Buffer | undefined;
  private more: Buffer[] | undefined;
  private queuedBytes = 0;
  private overflowed = false;
  /** In the scheduler's pending list (cleared only by the scheduler's run). */
  private scheduled = false;

  constructor(
    private readonly socket: Duplex,
    private readonly scheduler: FlushScheduler,
    /** Bytes the socket may hold unsent (ours plus its own write buffer). */
    private readonly limitBytes: number,
    private readonly listener: OutboxOverflowListener,
  ) {}

  /** Queues bytes; false (and `outboxOverflowed` once) when the socket is over its limit. */
  push(chunk: Buffer): boolean {
    if (this.overflowed || this.socket.destroyed) return false;
    if (this.first === undefined) this.first = chunk;
    else (this.more ??= []).push(chunk);
    this.queuedBytes += chunk.length;
    this.scheduler.queuedFrames++;
    if (this.queuedBytes + this.socket.writableLength > this.limitBytes) {
      this.overflowed = true;
      this.discard();
      this.listener.outboxOverflowed();
      return false;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      this.scheduler.mark(this);
    }
    if (this.queuedBytes > joinLimitBytes) this.scheduler.hurry();
    return true;
  }

  /** The scheduler's run: this outbox is no longer pending; write what it holds. */
  flushScheduled(): void {
    this.scheduled = false;
    this.flush();
  }

  /**
   * Writes everything queued now (also used right before a close frame). If the outbox is still
   * in the scheduler's pending list, the run later finds it empty and writes nothing.
   */
  flush(): void {
    const first = this.first;
    if (first === undefined) return;
    const more = this.more;
    const bytes = this.queuedBytes;
    this.discard();
    if (this.socket.destroyed || !this.socket.writable) return;
    if (more === undefined) {
      this.socket.write(first);
    } else if (bytes <= joinLimitBytes) {
      more.unshift(first);
      this.socket.write(Buffer.concat(more, bytes));
    } else {
      this.socket.cork();
      this.socket.write(first);
      for (const chunk of more) this.socket.write(chunk);
      this.socket.uncork();
    }
  }

  /** Drops whatever is queued (the socket is going away). */
  discard(): void {
    this.first = undefined;
    this.more = undefined;
    this.queuedBytes = 0;
  }

  get isOverflowed(): boolean {
    return this.overflowed;
  }
}
