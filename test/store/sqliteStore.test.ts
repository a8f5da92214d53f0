import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openSqliteStore } from "../../src/store/sqliteStore.js";
import { StoreConflictError, type Store } from "../../src/store/store.js";

const folder = mkdtempSync(join(tmpdir(), "wpslink-store-"));
after(() => rmSync(folder, { recursive: true, force: true }));

function memory(): Store {
  return openSqliteStore({ path: ":memory:" });
}

describe("sqlite store", () => {
  it("puts, gets, versions and etags entries", async () => {
    const store = memory();
    const first = await store.put("/a/1", "T/One", { n: 1 }, "absent");
    assert.equal(first.version, 1);
    assert.equal(first.type, "t/one");
    const second = await store.put("/a/1", "t/one", { n: 2 }, { version: 1 });
    assert.equal(second.version, 2);
    assert.notEqual(second.etag, first.etag);
    const read = await store.get<{ n: number }>("/a/1");
    assert.deepEqual(read?.value, { n: 2 });
    assert.equal(read?.etag, second.etag);
    assert.equal(await store.get("/missing"), undefined);
    await store.close();
  });

  it("refuses writes whose expectation does not hold", async () => {
    const store = memory();
    await store.put("k", "t", 1);
    await assert.rejects(store.put("k", "t", 2, "absent"), StoreConflictError);
    await assert.rejects(store.put("k", "t", 2, { version: 7 }), StoreConflictError);
    await assert.rejects(store.put("k", "t", 2, { etag: '"nope"' }), StoreConflictError);
    await assert.rejects(store.put("other", "t", 2, { version: 1 }), StoreConflictError);
    await assert.rejects(store.delete("k", { version: 3 }), StoreConflictError);
    assert.equal((await store.get("k"))?.value, 1);
    const { etag } = (await store.get("k"))!;
    await store.put("k", "t", 3, { etag });
    assert.equal((await store.get("k"))?.version, 2);
    await store.close();
  });

  it("lets exactly one of two racing conditional writers win", async () => {
    const store = memory();
    await store.put("race", "t", "start");
    const attempts = await Promise.allSettled(
      ["left", "right"].map((who) =>
        store.transaction(async (tx) => {
          const seen = await tx.get("race");
          // Yield so both transactions have read before either writes, when they could interleave.
          await new Promise((resolve) => setImmediate(resolve));
          return tx.put("race", "t", who, { version: seen!.version });
        }),
      ),
    );
    // The adapter serialises transactions, so both succeed in order and versions never collide.
    assert.deepEqual(
      attempts.map((a) => a.status),
      ["fulfilled", "fulfilled"],
    );
    const stale = await Promise.allSettled(
      ["x", "y"].map((who) => store.put("race", "t", who, { version: 3 })),
    );
    assert.deepEqual(stale.map((a) => a.status).sort(), ["fulfilled", "rejected"]);
    const rejected = stale.find((a) => a.status === "rejected") as PromiseRejectedResult;
    assert.ok(rejected.reason instanceof StoreConflictError);
    assert.equal((await store.get("race"))?.version, 4);
    await store.close();
  });

  it("lists by prefix and type in key order with paging", async () => {
    const store = memory();
    for (const key of ["/s/b", "/s/a", "/s/c", "/t/a", "/s/a/child"]) {
      await store.put(key, key.endsWith("child") ? "child" : "top", key);
    }
    const all = await store.list({ prefix: "/s/" });
    assert.deepEqual(
      all.map((e) => e.key),
      ["/s/a", "/s/a/child", "/s/b", "/s/c"],
    );
    const tops = await store.list({ prefix: "/s/", type: "TOP" });
    assert.deepEqual(
      tops.map((e) => e.key),
      ["/s/a", "/s/b", "/s/c"],
    );
    const page = await store.list({ prefix: "/s/", type: "top", after: "/s/a", limit: 1 });
    assert.deepEqual(
      page.map((e) => e.key),
      ["/s/b"],
    );
    assert.equal(await store.deletePrefix("/s/a"), 2);
    assert.equal((await store.list({ prefix: "/" })).length, 3);
    await store.close();
  });

  it("rolls a failed transaction back completely", async () => {
    const store = memory();
    await store.put("keep", "t", 1);
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.put("keep", "t", 2);
        await tx.put("new", "t", 3);
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.equal((await store.get("keep"))?.value, 1);
    assert.equal(await store.get("new"), undefined);
    // The store is usable afterwards and commits normally.
    await store.transaction(async (tx) => {
      await tx.put("new", "t", 4);
    });
    assert.equal((await store.get("new"))?.value, 4);
    await store.close();
  });

  it("fails loudly instead of deadlocking when the store is called inside its own transaction", async () => {
    const store = memory();
    await assert.rejects(
      store.transaction(async () => {
        await store.get("x");
      }),
      /inside one of its own transactions/,
    );
    // Work started inside a transaction may use the store once the transaction is over.
    let later: Promise<unknown> = Promise.resolve();
    await store.transaction(async (tx) => {
      await tx.put("y", "t", 1);
      later = new Promise((resolve) => setImmediate(resolve)).then(() => store.put("y", "t", 2));
    });
    await later;
    assert.equal((await store.get("y"))?.value, 2);
    await store.close();
  });

  it("keeps committed state across close and reopen, in WAL mode with synchronous FULL", async () => {
    const path = join(folder, "state.db");
    const store = openSqliteStore({ path });
    await store.transaction(async (tx) => {
      await tx.put("/x", "t", { kept: true });
      await tx.put("/y", "t", { kept: "also" });
    });
    await store.close();
    await assert.rejects(store.get("/x"), /closed/);

    const reopened = openSqliteStore({ path });
    assert.deepEqual((await reopened.get("/x"))?.value, { kept: true });
    assert.equal((await reopened.list({ prefix: "/" })).length, 2);
    await reopened.close();

    const raw = new Database(path, { readonly: true });
    assert.equal(raw.pragma("journal_mode", { simple: true }), "wal");
    assert.deepEqual(
      (raw.prepare("SELECT version FROM wpslink_schema_migrations").all() as { version: number }[]).map(
        (r) => r.version,
      ),
      [1],
    );
    raw.close();
  });

  it("refuses a database written by a newer schema", async () => {
    const path = join(folder, "newer.db");
    await openSqliteStore({ path }).close();
    const raw = new Database(path);
    raw.prepare("INSERT INTO wpslink_schema_migrations VALUES (99, 'future', 'now')").run();
    raw.close();
    assert.throws(() => openSqliteStore({ path }), /newer wpslink/);
  });
});
