// The slice of the store port (src/store/store.ts) the Microsoft.Web provider and the
// shared-private-link domain use, declared structurally so the domain can be tested with an
// in-memory map and handed the real SQLite store unchanged.

export interface StoredEntry<T> {
  readonly key: string;
  readonly value: T;
}

export interface KeyValueReader {
  get<T = unknown>(key: string): Promise<StoredEntry<T> | undefined>;
  list<T = unknown>(options: { readonly prefix: string; readonly type?: string }): Promise<StoredEntry<T>[]>;
}

export interface KeyValueWriter {
  put<T>(key: string, type: string, value: T): Promise<unknown>;
  delete(key: string): Promise<boolean>;
}

export interface KeyValueStore extends KeyValueReader, KeyValueWriter {
  /** Runs `fn` atomically; only `tx` may be used inside. */
  transaction<R>(fn: (tx: KeyValueReader & KeyValueWriter) => Promise<R> | R): Promise<R>;
}

export const storeTypes = {
  plan: "microsoft.web/serverfarms",
  site: "microsoft.web/sites",
  connection: "microsoft.web/sites/privateendpointconnections",
  sharedPrivateLink: "microsoft.signalrservice/webpubsub/sharedprivatelinkresources",
} as const;
