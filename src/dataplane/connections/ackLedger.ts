// The ackIds a connection has used: a repeated ackId is answered `Duplicate` without running the
// request again. As in the service's emulator, an ackId counts as used once it succeeded (a
// failed request may be retried with the same id) or while it is still in flight. Bounded: the
// oldest ids are forgotten first. Nothing is allocated until the first ack; the first few ids
// live in a small exact-size array (a `Map` costs ~300 bytes even with two entries, and most
// connections ack only a handful of requests), and a `Map` takes over beyond that.

const rememberedAckIds = 10_000;
/** Ids kept in the small array before switching to a `Map`. */
const smallLimit = 8;

export class AckLedger {
  /** Pairs in insertion order: ackId, then true once succeeded, false while in flight. */
  private small: (bigint | boolean)[] | undefined;
  /** ackId → true once succeeded, false while in flight (after the small array is outgrown). */
  private ids: Map<bigint, boolean> | undefined;

  /** False when the ackId was already used; otherwise marks it in flight. */
  begin(ackId: bigint): boolean {
    const ids = this.ids;
    if (ids) {
      if (ids.has(ackId)) return false;
      ids.set(ackId, false);
      return true;
    }
    const small = this.small;
    if (!small) {
      this.small = [ackId, false];
      return true;
    }
    if (indexOfId(small, ackId) >= 0) return false;
    if (small.length / 2 < smallLimit) {
      // `concat` makes an exact-size array; push or spread would reserve ~16 spare slots.
      this.small = small.concat(ackId, false);
      return true;
    }
    const map = new Map<bigint, boolean>();
    for (let i = 0; i < small.length; i += 2) map.set(small[i] as bigint, small[i + 1] as boolean);
    map.set(ackId, false);
    this.ids = map;
    this.small = undefined;
    return true;
  }

  finish(ackId: bigint, succeeded: boolean): void {
    const small = this.small;
    if (small) {
      const at = indexOfId(small, ackId);
      if (at < 0) return;
      if (succeeded) small[at + 1] = true;
      else this.small = small.length === 2 ? undefined : small.slice(0, at).concat(small.slice(at + 2));
      return;
    }
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

function indexOfId(pairs: readonly (bigint | boolean)[], ackId: bigint): number {
  for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === ackId) return i;
  return -1;
}
