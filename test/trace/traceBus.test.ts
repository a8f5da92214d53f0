// The live-trace bus keeps the most recent records in order and tells subscribers of new ones.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TraceBus } from "../../src/trace/traceBus.js";

test("snapshot holds the newest records, oldest first, once the ring wraps", () => {
  const bus = new TraceBus(3);
  assert.deepEqual(bus.snapshot(), []);
  for (let i = 1; i <= 5; i += 1) bus.publish({ category: "message", kind: `k${i}`, time: i });
  assert.deepEqual(
    bus.snapshot().map((r) => r.kind),
    ["k3", "k4", "k5"],
  );
  assert.deepEqual(
    bus.snapshot((r) => r.kind !== "k4").map((r) => r.kind),
    ["k3", "k5"],
  );
});

test("snapshot before the ring is full, and subscribers see each record once", () => {
  const bus = new TraceBus(10);
  const seen: string[] = [];
  const unsubscribe = bus.subscribe((r) => seen.push(r.kind));
  bus.publish({ category: "connection", kind: "a" });
  bus.publish({ category: "connection", kind: "b" });
  unsubscribe();
  bus.publish({ category: "connection", kind: "c" });
  assert.deepEqual(seen, ["a", "b"]);
  assert.deepEqual(
    bus.snapshot().map((r) => r.kind),
    ["a", "b", "c"],
  );
  assert.ok(bus.snapshot()[0]!.time > 0);
});
