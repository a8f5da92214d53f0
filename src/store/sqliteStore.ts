// The embedded store adapter on better-sqlite3. A file database runs in WAL mode with
// synchronous=FULL, so a committed write survives `kill -9` and power loss; `:memory:` keeps
// nothing (`--in-memory`). The statements come from schema.ts.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { migrations, queries, type EntryRow } from "./schema.js";
import { SerialQueue } from "./serialQueue.js";
import {
  StoreConflictError,
  type ListOptions,
  type Store,
  type StoreEntry,
  type StoreTransaction,
  type WriteExpectation,
} from "./store.js";

/** Largest LIMIT we pass for "all rows" (SQLite and PostgreSQL both accept it). */
const noLimit = 2_147_483_647;

export interface SqliteStoreOptions {
  /** A database file path, or `:memory:` for a store that keeps nothing. */
  readonly path: string;
}

function toEntry<T>(row: EntryRow): StoreEntry<T> {
  return {
    key: row.entry_key,
    type: row.entry_type,
    value: JSON.parse(row.entry_value) as T,
    version: row.version,
    etag: row.etag,
    updatedAt: row.updated_at,
  };
}

function newEtag(): string {
  return `"${randomUUID()}"`;
}

function expectationHolds(expect: WriteExpectation | undefined, found: EntryRow | undefined): boolean {
  if (expect === undefined) return true;
  if (expect === "absent") return found === undefined;
  if (found === undefined) return false;
  return "version" in expect ? found.version === expect.version : found.etag === expect.etag;
}

/** Synchronous operations on one connection; the async Store wraps them. */
class SqliteStatements {
  private readonly statements: Record<keyof typeof queries, Database.Statement>;

  constructor(private readonly db: Database.Database) {
    this.statements = Object.fromEntries(
      Object.entries(queries).map(([name, sql]) => [name, db.prepare(sql)]),
    ) as Record<keyof typeof queries, Database.Statement>;
  }

  get<T>(key: string): StoreEntry<T> | undefined {
    const row = this.statements.get.get(key) as EntryRow | undefined;
    return row ? toEntry<T>(row) : undefined;
  }

  list<T>(options: ListOptions): StoreEntry<T>[] {
    const after = options.after ?? "";
    const limit = options.limit ?? noLimit;
    const rows = (
      options.type === undefined
        ? this.statements.list.all(options.prefix.length, options.prefix, after, limit)
        : this.statements.listByType.all(
            options.prefix.length,
            options.prefix,
            options.type.toLowerCase(),
            after,
            limit,
          )
    ) as EntryRow[];
    return rows.map((row) => toEntry<T>(row));
  }

  put<T>(key: string, type: string, value: T, expect: WriteExpectation | undefined): StoreEntry<T> {
    const found = this.statements.get.get(key) as EntryRow | undefined;
    if (!expectationHolds(expect, found)) {
      throw new StoreConflictError(
        key,
        expect ?? "absent",
        found && { version: found.version, etag: found.etag },
      );
    }
    const json = JSON.stringify(value);
    const etag = newEtag();
    const now = new Date().toISOString();
    if (found === undefined) {
      this.statements.insert.run(key, type.toLowerCase(), json, etag, now);
    } else {
      const changed = this.statements.update.run(type.toLowerCase(), json, etag, now, key, found.version);
      // Cannot happen on one connection inside a transaction; guards a future shared-database adapter.
      if (changed.changes !== 1) {
        throw new StoreConflictError(key, expect ?? { version: found.version }, undefined);
      }
    }
    return { key, type: type.toLowerCase(), value, version: (found?.version ?? 0) + 1, etag, updatedAt: now };
  }

  delete(key: string, expect: WriteExpectation | undefined): boolean {
    const found = this.statements.get.get(key) as EntryRow | undefined;
    if (expect !== undefined && !expectationHolds(expect, found)) {
      throw new StoreConflictError(key, expect, found && { version: found.version, etag: found.etag });
    }
    return this.statements.delete.run(key).changes > 0;
  }

  deletePrefix(prefix: string): number {
    return this.statements.deletePrefix.run(prefix.length, prefix).changes;
  }

  begin(): void {
    this.db.exec("BEGIN IMMEDIATE");
  }

  commit(): void {
    this.db.exec("COMMIT");
  }

  rollback(): void {
    if (this.db.inTransaction) this.db.exec("ROLLBACK");
  }
}

function migrate(db: Database.Database): void {
  db.exec(queries.createMigrationsTable);
  const applied = new Set(
    (db.prepare(queries.appliedVersions).all() as { version: number }[]).map((row) => row.version),
  );
  const newest = Math.max(0, ...applied);
  const known = Math.max(...migrations.map((m) => m.version));
  if (newest > known) {
    throw new Error(
      `the store was written by a newer wpslink (schema version ${newest}, this one knows ${known}); upgrade wpslink`,
    );
  }
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      for (const statement of migration.statements) db.exec(statement);
      db.prepare(queries.recordMigration).run(
        migration.version,
        migration.description,
        new Date().toISOString(),
      );
    })();
  }
}

class SqliteStore implements Store {
  private readonly queue = new SerialQueue();
  private closed = false;
  /** The transaction whose callback is running, so a call on the store itself from inside it fails loudly instead of deadlocking. */
  private readonly activeTransaction = new AsyncLocalStorage<{ open: boolean }>();

  constructor(
    private readonly db: Database.Database,
    private readonly ops: SqliteStatements,
  ) {}

  private run<R>(task: () => R | Promise<R>): Promise<R> {
    if (this.closed) return Promise.reject(new Error("the store is closed"));
    if (this.activeTransaction.getStore()?.open) {
      return Promise.reject(
        new Error(
          "the store was called inside one of its own transactions; use the transaction's `tx` instead",
        ),
      );
    }
    return this.queue.run(task);
  }

  get<T = unknown>(key: string): Promise<StoreEntry<T> | undefined> {
    return this.run(() => this.ops.get<T>(key));
  }

  list<T = unknown>(options: ListOptions): Promise<StoreEntry<T>[]> {
    return this.run(() => this.ops.list<T>(options));
  }

  put<T>(key: string, type: string, value: T, expect?: WriteExpectation): Promise<StoreEntry<T>> {
    return this.run(() => this.ops.put(key, type, value, expect));
  }

  delete(key: string, expect?: WriteExpectation): Promise<boolean> {
    return this.run(() => this.ops.delete(key, expect));
  }

  deletePrefix(prefix: string): Promise<number> {
    return this.run(() => this.ops.deletePrefix(prefix));
  }

  transaction<R>(fn: (tx: StoreTransaction) => Promise<R> | R): Promise<R> {
    return this.run(async () => {
      const ops = this.ops;
      const state = { open: true };
      const guard = <X>(action: () => X): Promise<X> => {
        if (!state.open) return Promise.reject(new Error("store transaction used after it ended"));
        try {
          return Promise.resolve(action());
        } catch (error) {
          return Promise.reject(error as Error);
        }
      };
      const tx: StoreTransaction = {
        get: (key) => guard(() => ops.get(key)),
        list: (options) => guard(() => ops.list(options)),
        put: (key, type, value, expect) => guard(() => ops.put(key, type, value, expect)),
        delete: (key, expect) => guard(() => ops.delete(key, expect)),
        deletePrefix: (prefix) => guard(() => ops.deletePrefix(prefix)),
      };
      ops.begin();
      try {
        const result = await this.activeTransaction.run(state, () => fn(tx));
        ops.commit();
        return result;
      } catch (error) {
        ops.rollback();
        throw error;
      } finally {
        state.open = false;
      }
    });
  }

  close(): Promise<void> {
    return this.queue.run(() => {
      if (this.closed) return;
      this.closed = true;
      this.db.close();
    });
  }
}

/** Opens (creating if needed) and migrates a SQLite store. */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  const db = new Database(options.path);
  try {
    if (options.path !== ":memory:") {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = FULL");
    }
    db.pragma("busy_timeout = 5000");
    migrate(db);
    return new SqliteStore(db, new SqliteStatements(db));
  } catch (error) {
    db.close();
    throw error;
  }
}
