// An in-memory KeyValueStore for domain tests: same contract as the SQLite store's slice the
// Microsoft.Web and shared-private-link domains use, with a transaction that commits atomically.
import type {
  KeyValueReader,
  KeyValueStore,
  KeyValueWriter,
  StoredEntry,
} from "../../../../src/arm/web/webStore.js";

export class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, { type: string; value: unknown }>();
  writes = 0;

  async get<T>(key: string): Promise<StoredEntry<T> | undefined> {
    const entry = this.data.get(key);
    return entry ? { key, value: structuredClone(entry.value) as T } : undefined;
  }

  async list<T>(options: { prefix: string; type?: string }): Promise<StoredEntry<T>[]> {
    return [...this.data.entries()]
      .filter(
        ([k, e]) => k.startsWith(options.prefix) && (options.type === undefined || e.type === options.type),
      )
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, e]) => ({ key, value: structuredClone(e.value) as T }));
  }

  async put<T>(key: string, type: string, value: T): Promise<unknown> {
    this.writes++;
    this.data.set(key, { type, value: structuredClone(value) });
    return undefined;
  }

  async delete(key: string): Promise<boolean> {
    return this.data.delete(key);
  }

  async transaction<R>(fn: (tx: KeyValueReader & KeyValueWriter) => Promise<R> | R): Promise<R> {
    const staged = new Map(this.data);
    const tx: KeyValueReader & KeyValueWriter = {
      get: async <T>(key: string) => {
        const e = staged.get(key);
        return e ? { key, value: structuredClone(e.value) as T } : undefined;
      },
      list: async <T>(options: { prefix: string; type?: string }) =>
        [...staged.entries()]
          .filter(
            ([k, e]) =>
              k.startsWith(options.prefix) && (options.type === undefined || e.type === options.type),
          )
          .map(([key, e]) => ({ key, value: structuredClone(e.value) as T })),
      put: async (key, type, value) => {
        staged.set(key, { type, value: structuredClone(value) });
        return undefined;
      },
      delete: async (key) => staged.delete(key),
    };
    const result = await fn(tx);
    this.data.clear();
    for (const [k, v] of staged) this.data.set(k, v);
    return result;
  }
}
