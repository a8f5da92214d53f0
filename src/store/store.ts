// The store port: durable key/value state for the management plane. Keys are strings chosen by
// the caller (ARM ids, lower-cased); values are JSON. Every entry carries a version (1, 2, ...)
// and an etag so writers can demand optimistic concurrency. The port is asynchronous so a
// networked adapter (PostgreSQL) can implement it; the embedded SQLite adapter is synchronous
// underneath and serialises callers.

export interface StoreEntry<T = unknown> {
  readonly key: string;
  /** Lower-cased resource type (e.g. `microsoft.signalrservice/webpubsub`), for listing by type. */
  readonly type: string;
  readonly value: T;
  /** 1 for a new entry, incremented by every write. */
  readonly version: number;
  /** Opaque tag that changes with every write (quoted, as HTTP etags are). */
  readonly etag: string;
  /** ISO time of the last write. */
  readonly updatedAt: string;
}

/**
 * What a write expects to find: `"absent"` (create only), `{ version }` or `{ etag }` (update
 * only that version), or nothing (unconditional).
 */
export type WriteExpectation = "absent" | { readonly version: number } | { readonly etag: string };

export interface ListOptions {
  /** Only keys that start with this string. */
  readonly prefix: string;
  /** Only entries of this type (compared lower-cased). */
  readonly type?: string;
  /** Only keys strictly greater than this one (for paging). */
  readonly after?: string;
  /** At most this many entries (default: all). */
  readonly limit?: number;
}

export interface StoreReader {
  get<T = unknown>(key: string): Promise<StoreEntry<T> | undefined>;
  /** Entries ordered by key. */
  list<T = unknown>(options: ListOptions): Promise<StoreEntry<T>[]>;
}

export interface StoreWriter {
  /** Writes `value`; throws `StoreConflictError` when `expect` does not hold. */
  put<T>(key: string, type: string, value: T, expect?: WriteExpectation): Promise<StoreEntry<T>>;
  /** Removes the entry; false when there was none. Throws `StoreConflictError` when `expect` does not hold. */
  delete(key: string, expect?: WriteExpectation): Promise<boolean>;
  /** Removes every entry whose key starts with `prefix`; returns how many. */
  deletePrefix(prefix: string): Promise<number>;
}

export type StoreTransaction = StoreReader & StoreWriter;

export interface Store extends StoreReader, StoreWriter {
  /**
   * Runs `fn` as one atomic transaction: every write inside commits together or not at all (a
   * thrown error rolls back). Use only `tx` inside `fn`; calling the store itself there waits
   * for the transaction and so deadlocks.
   */
  transaction<R>(fn: (tx: StoreTransaction) => Promise<R> | R): Promise<R>;
  close(): Promise<void>;
}

/** A conditional write found a different version than it expected. */
export class StoreConflictError extends Error {
  constructor(
    readonly key: string,
    readonly expected: WriteExpectation,
    readonly found: { version: number; etag: string } | undefined,
  ) {
    super(
      `store entry '${key}' is ${found ? `at version ${found.version}` : "absent"}, expected ${
        expected === "absent" ? "absent" : JSON.stringify(expected)
      }`,
    );
    this.name = "StoreConflictError";
  }
}
