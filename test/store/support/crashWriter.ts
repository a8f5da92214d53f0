// Child process for the kill -9 test: commits transactions of two entries each as fast as it
// can and prints the number of every committed transaction, until it is killed.
import { openSqliteStore } from "../../../src/store/sqliteStore.js";

const path = process.argv[2];
if (!path) throw new Error("usage: crashWriter.ts <database path>");
const store = openSqliteStore({ path });
const payload = "x".repeat(2048);
for (let i = 0; i < 1_000_000; i++) {
  await store.transaction(async (tx) => {
    await tx.put(`/pair/${String(i).padStart(7, "0")}/a`, "pair", { i, payload });
    await tx.put(`/pair/${String(i).padStart(7, "0")}/b`, "pair", { i, payload });
    await tx.put("/counter", "counter", { i }, i === 0 ? "absent" : { version: i });
  });
  process.stdout.write(`${i}\n`);
}
