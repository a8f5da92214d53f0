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
    if (this.ids) {
      if (this.ids.has(ackId)) return false;
      this.ids.set(ackId, false);
      return true;
    }
    if (this.small && indexOfId(this.small, ackId) >= 0) return false;
    this.append(ackId, false);
    return true;
  }

  finish(ackId: bigint, succeeded: boolean): void {
    const small = this.small;
    if (small) {
      const at = indexOfId(small, ackId);
      if (!succeeded) {
        if (at >= 0)
          this.small = small.length === 2 ? undefined : small.slice(0, at).concat(small.slice(at + 2));
      } else if (at >= 0) {
        small[at + 1] = true;
      } else {
        this.append(ackId, true);
      }
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

  /** Adds an id not held yet, in the small array while it has room, otherwise in the map. */
  private append(ackId: bigint, done: boolean): void {
    const small = this.small;
    if (!small) {
      this.small = [ackId, done];
    } else if (small.length / 2 < smallLimit) {
      // `concat` makes an exact-size array; push or spread would reserve ~16 spare slots.
      this.small = small.concat(ackId, done);
    } else {
      const map = new Map<bigint, boolean>();
      for (let i = 0; i < small.length; i += 2) map.set(small[i] as bigint, small[i + 1] as boolean);
      map.set(ackId, done);
      this.ids = map;
      this.small = undefined;
    }
  }
}

function indexOfId(pairs: readonly (bigint | boolean)[], ackId: bigint): number {
  for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === ackId) return i;
  return -1;
}
