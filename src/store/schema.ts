// The relational schema of the store and every query it runs, written once in the SQL that
// SQLite and PostgreSQL share (`?` placeholders in order; a PostgreSQL adapter numbers them).
// Migrations are append-only: a released version is never edited, a change is a new version.

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly statements: readonly string[];
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: "entries with optimistic-concurrency version and etag",
    statements: [
      `CREATE TABLE IF NOT EXISTS wpslink_entries (
         entry_key TEXT PRIMARY KEY,
         entry_type TEXT NOT NULL,
         entry_value TEXT NOT NULL,
         version INTEGER NOT NULL,
         etag TEXT NOT NULL,
         updated_at TEXT NOT NULL
       )`,
      `CREATE INDEX IF NOT EXISTS wpslink_entries_type ON wpslink_entries (entry_type, entry_key)`,
    ],
  },
];

export const queries = {
  createMigrationsTable: `CREATE TABLE IF NOT EXISTS wpslink_schema_migrations (
      version INTEGER PRIMARY KEY,
      description TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`,
  appliedVersions: `SELECT version FROM wpslink_schema_migrations ORDER BY version`,
  recordMigration: `INSERT INTO wpslink_schema_migrations (version, description, applied_at) VALUES (?, ?, ?)`,
  get: `SELECT entry_key, entry_type, entry_value, version, etag, updated_at FROM wpslink_entries WHERE entry_key = ?`,
  insert: `INSERT INTO wpslink_entries (entry_key, entry_type, entry_value, version, etag, updated_at)
      VALUES (?, ?, ?, 1, ?, ?)`,
  update: `UPDATE wpslink_entries SET entry_type = ?, entry_value = ?, version = version + 1, etag = ?, updated_at = ?
      WHERE entry_key = ? AND version = ?`,
  delete: `DELETE FROM wpslink_entries WHERE entry_key = ?`,
  deletePrefix: `DELETE FROM wpslink_entries WHERE substr(entry_key, 1, ?) = ?`,
  /** Parameters: prefix length, prefix, after-key, limit. */
  list: `SELECT entry_key, entry_type, entry_value, version, etag, updated_at FROM wpslink_entries
      WHERE substr(entry_key, 1, ?) = ? AND entry_key > ? ORDER BY entry_key LIMIT ?`,
  /** Parameters: prefix length, prefix, type, after-key, limit. */
  listByType: `SELECT entry_key, entry_type, entry_value, version, etag, updated_at FROM wpslink_entries
      WHERE substr(entry_key, 1, ?) = ? AND entry_type = ? AND entry_key > ? ORDER BY entry_key LIMIT ?`,
} as const;

/** The row shape every SELECT above returns. */
export interface EntryRow {
  entry_key: string;
  entry_type: string;
  entry_value: string;
  version: number;
  etag: string;
  updated_at: string;
}
