// The resend buffer of a reliable connection: data messages sent but not yet acknowledged with
// `sequenceAck`, kept in order so a recovered connection gets them again ahead of new traffic.
// It is bounded (the service's figures: 1,000 messages or 16 MB); when it is full the
// connection cannot be made whole again and is closed.

export interface BufferedMessage {
  readonly sequenceId: number;
  /** The frame as written: `head` (header, and the sequence prefix) then `body`, which may be shared. */
  readonly head: Buffer;
  readonly body: Buffer;
  /** Epoch milliseconds after which a resend skips it (message TTL); 0 = never. */
  readonly expiresAt: number;
}

export interface ReliableLimits {
  readonly maxMessages: number;
  readonly maxBytes: number;
}

export const defaultReliableLimits: ReliableLimits = { maxMessages: 1000, maxBytes: 16 * 1024 * 1024 };

export class ReliableBuffer {
  private entries: BufferedMessage[] = [];
  private head = 0;
  private bytes = 0;
  // A number: 2^53 messages on one connection is out of reach, and numbers are cheaper than bigints.
  private lastSequenceId = 0;

  constructor(private readonly limits: ReliableLimits) {}

  /** The next sequence id (ids start at 1 and only grow, across recoveries). */
  nextSequenceId(): number {
    return ++this.lastSequenceId;
  }

  /** False when the buffer is over its bounds after adding. */
  add(entry: BufferedMessage): boolean {
    this.entries.push(entry);
    this.bytes += entry.head.length + entry.body.length;
    return this.entries.length - this.head <= this.limits.maxMessages && this.bytes <= this.limits.maxBytes;
  }

  /** Everything up to and including `sequenceId` has arrived. */
  acknowledge(acknowledged: bigint): void {
    const sequenceId = Number(acknowledged);
    while (this.head < this.entries.length) {
      const entry = this.entries[this.head] as BufferedMessage;
      if (entry.sequenceId > sequenceId) break;
      this.bytes -= entry.head.length + entry.body.length;
      this.head++;
    }
    // Compact now and then rather than shifting on every acknowledgement.
    if (this.head > 256 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /** Unacknowledged messages, oldest first. */
  pending(): readonly BufferedMessage[] {
    return this.entries.slice(this.head);
  }

  get size(): number {
    return this.entries.length - this.head;
  }
}
