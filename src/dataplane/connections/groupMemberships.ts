// The groups one connection is a member of. Most connections are in a few groups, and a `Set`
// costs ~200 bytes even with two entries, so up to `smallLimit` names live in an exact-size
// array (membership tests scan it) and a `Set` takes over beyond that. Readers that need a real
// `Set` (the OData filter checks `instanceof Set`) get one from `asSet()`, made once and kept
// until the memberships change. Order is the order of joining in every form.

const smallLimit = 8;

export class GroupMemberships {
  private list: readonly string[] = [];
  /** The memberships as a `Set`: the storage beyond `smallLimit`, or a cached view of `list`. */
  private set: Set<string> | undefined;

  get size(): number {
    return this.list.length > 0 || !this.set ? this.list.length : this.set.size;
  }

  has(group: string): boolean {
    return this.usesSet ? (this.set as Set<string>).has(group) : this.list.includes(group);
  }

  /** False when already a member. */
  add(group: string): boolean {
    if (this.has(group)) return false;
    if (this.usesSet) {
      (this.set as Set<string>).add(group);
    } else if (this.list.length < smallLimit) {
      // `concat` makes an exact-size array; push or spread would reserve ~16 spare slots.
      this.list = this.list.concat(group);
      this.set = undefined;
    } else {
      this.set = new Set(this.list.concat(group));
      this.list = [];
    }
    return true;
  }

  /** False when not a member. */
  delete(group: string): boolean {
    if (this.usesSet) return (this.set as Set<string>).delete(group);
    const at = this.list.indexOf(group);
    if (at < 0) return false;
    this.list = this.list.slice(0, at).concat(this.list.slice(at + 1));
    this.set = undefined;
    return true;
  }

  /** The group names now (a snapshot when small; the live set beyond `smallLimit`). */
  names(): Iterable<string> {
    return this.usesSet ? (this.set as Set<string>) : this.list;
  }

  asSet(): ReadonlySet<string> {
    return (this.set ??= new Set(this.list));
  }

  /** The `Set` is the storage (not a view of a non-empty `list`). */
  private get usesSet(): boolean {
    return this.set !== undefined && this.list.length === 0;
  }
}
