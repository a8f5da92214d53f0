// The ackIds a connection has used: a repeated ackId is answered `Duplicate` without running the
// request again. As in the service's emulator, an ackId counts as used once it succeeded (a
// failed request may be retried with the same id) or while it is still in flight. Bounded: the
// oldest ids are forgotten first. The map is made on first use (most connections never ack).

const rememberedAckIds = 10_000;

export class AckLedger {
  /** ackId → true once succeeded, false while in flight. */
  private ids: Map<bigint, boolean> | undefined;

  /** False when the ackId was already used; otherwise marks it in flight. */
  begin(ackId: bigint): boolean {
    this.ids ??= new Map();
    if (this.ids.has(ackId)) return false;
    this.ids.set(ackId, false);
    return true;
  }

  finish(ackId: bigint, succeeded: boolean): void {
    const ids = this.ids;
    if (!ids) return;
    if (!succeeded) {
      ids.delete(ackId);
      return;
    }
    ids.set(ackId, true);
    if (ids.size > rememberedAckIds) {
      for (const [oldest, done] of ids) {
        if (!done) continue;
        ids.delete(oldest);
        break;
      }
    }
  }
}
