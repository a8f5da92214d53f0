import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { openSqliteStore } from "../../src/store/sqliteStore.js";

const folder = mkdtempSync(join(tmpdir(), "wpslink-crash-"));
after(() => rmSync(folder, { recursive: true, force: true }));

describe("sqlite store under kill -9", () => {
  it("keeps every acknowledged transaction whole and no partial one", async () => {
    const path = join(folder, "crash.db");
    const writer = fileURLToPath(new URL("./support/crashWriter.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", writer, path], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let lastAcknowledged = -1;
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`writer made no progress; stderr: ${stderr}`)), 20_000);
      child.stdout.on("data", (chunk: Buffer) => {
        const lines = chunk.toString().trim().split("\n");
        lastAcknowledged = Number(lines.at(-1));
        if (lastAcknowledged >= 300) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("exit", () => reject(new Error(`writer exited early; stderr: ${stderr}`)));
    });
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));

    const raw = new Database(path);
    assert.equal(raw.pragma("integrity_check", { simple: true }), "ok");
    raw.close();
    const store = openSqliteStore({ path });
    const entries = await store.list<{ i: number }>({ prefix: "/pair/" });
    const counter = (await store.get<{ i: number }>("/counter"))!;
    // Every acknowledged transaction is there, and at most the one in flight beyond it.
    assert.ok(
      counter.value.i >= lastAcknowledged,
      `counter ${counter.value.i} < acknowledged ${lastAcknowledged}`,
    );
    assert.equal(entries.length, 2 * (counter.value.i + 1));
    assert.equal(counter.version, counter.value.i + 1);
    await store.close();
  });
});
