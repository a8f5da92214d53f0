// The ackIds a connection has used: a repeated ackId is answered `Duplicate` without running the
// request again. As in the service's emulator, an ackId counts as used once it succeeded (a
// failed request may be retried with the same id) or while it is still in flight. Bounded: the
// oldest ids are forgotten first.

const rememberedAckIds = 10_000;

export class AckLedger {
  private readonly done = new Set<bigint>();
  private readonly inFlight = new Set<bigint>();

  /** False when the ackId was already used; otherwise marks it in flight. */
  begin(ackId: bigint): boolean {
    if (this.done.has(ackId) || this.inFlight.has(ackId)) return false;
    this.inFlight.add(ackId);
    return true;
  }

  finish(ackId: bigint, succeeded: boolean): void {
    this.inFlight.delete(ackId);
    if (!succeeded) return;
    this.done.add(ackId);
    if (this.done.size > rememberedAckIds) {
      const oldest = this.done.values().next();
      if (!oldest.done) this.done.delete(oldest.value);
    }
  }
}
