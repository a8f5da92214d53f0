// The compact per-connection state behaves like the collections it replaces: ack ids, group
// memberships and role grants shared between connections; and the flush scheduler's pending
// list and its coalescing wait after a slow flush.
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import { ConnectionPermissions } from "../../src/dataplane/auth/connectionPermissions.js";
import { AckLedger } from "../../src/dataplane/connections/ackLedger.js";
import { GroupMemberships } from "../../src/dataplane/connections/groupMemberships.js";
import { FlushScheduler, SocketOutbox } from "../../src/dataplane/connections/socketOutbox.js";

/** A socket stand-in that records each write() and can make every write take a while. */
class RecordingSocket extends PassThrough {
  readonly writes: Buffer[] = [];
  writeCostMs = 0;
  override write(chunk: Buffer): boolean {
    const until = performance.now() + this.writeCostMs;
    while (performance.now() < until) {
      // Busy: a write that costs CPU, as a saturated process's writes do.
    }
    this.writes.push(Buffer.from(chunk));
    return true;
  }
}

const noOverflow = { outboxOverflowed: () => assert.fail("no outbox should overflow here") };
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("ack ids", () => {
  it("answers a repeated id as used, lets a failed one be retried, across the switch to a map", () => {
    const ledger = new AckLedger();
    for (let id = 1n; id <= 20n; id++) {
      assert.equal(ledger.begin(id), true, `first use of ${id}`);
      assert.equal(ledger.begin(id), false, `${id} is in flight`);
      ledger.finish(id, id % 3n !== 0n);
    }
    for (let id = 1n; id <= 20n; id++) {
      // Failed ids (multiples of 3) may be used again; succeeded ones stay used.
      assert.equal(ledger.begin(id), id % 3n === 0n, `after finishing ${id}`);
    }
  });

  it("keeps in-flight ids apart from succeeded ones while small", () => {
    const ledger = new AckLedger();
    assert.equal(ledger.begin(5n), true);
    assert.equal(ledger.begin(6n), true);
    ledger.finish(5n, false);
    assert.equal(ledger.begin(6n), false);
    assert.equal(ledger.begin(5n), true);
    ledger.finish(7n, true); // a success is remembered even for an id not in flight
    assert.equal(ledger.begin(7n), false);
    ledger.finish(8n, false);
    assert.equal(ledger.begin(8n), true);
    const empty = new AckLedger();
    empty.finish(9n, true); // nothing is held before the first begin
    assert.equal(empty.begin(9n), true);
  });
});

describe("group memberships", () => {
  it("adds, removes and lists groups in joining order, small and beyond the small limit", () => {
    const groups = new GroupMemberships();
    const names = Array.from({ length: 12 }, (_, i) => `g${i}`);
    for (const name of names) assert.equal(groups.add(name), true);
    assert.equal(groups.add("g3"), false);
    assert.equal(groups.size, 12);
    assert.deepEqual([...groups.names()], names);
    assert.equal(groups.delete("g3"), true);
    assert.equal(groups.delete("g3"), false);
    assert.equal(groups.has("g3"), false);
    assert.equal(groups.has("g4"), true);
    assert.deepEqual(
      [...groups.asSet()],
      names.filter((n) => n !== "g3"),
    );
  });

  it("gives a real Set that follows later changes", () => {
    const groups = new GroupMemberships();
    groups.add("a");
    groups.add("b");
    const before = groups.asSet();
    assert.ok(before instanceof Set);
    assert.deepEqual([...before], ["a", "b"]);
    assert.equal(groups.asSet(), before, "kept while nothing changes");
    groups.delete("a");
    groups.add("c");
    assert.deepEqual([...groups.asSet()], ["b", "c"]);
    assert.equal(groups.size, 2);
    const empty = new GroupMemberships();
    assert.equal(empty.asSet().size, 0);
    assert.equal(empty.add("x"), true);
    assert.equal(empty.has("x"), true);
    assert.deepEqual([...empty.names()], ["x"]);
    assert.equal(empty.size, 1);
  });
});

describe("role grants shared between connections", () => {
  it("a change on one connection never reaches another with the same roles", () => {
    const roles = ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"];
    const first = new ConnectionPermissions(roles);
    const second = new ConnectionPermissions(roles);
    first.revoke("joinLeaveGroup", "secret");
    assert.equal(first.has("joinLeaveGroup", "secret"), false);
    assert.equal(first.has("joinLeaveGroup", "other"), true);
    assert.equal(first.has("joinLeaveGroup"), false, "no longer every group");
    assert.equal(second.has("joinLeaveGroup", "secret"), true);
    assert.equal(second.has("joinLeaveGroup"), true);
    second.revoke("sendToGroup");
    assert.equal(second.has("sendToGroup", "x"), false);
    assert.equal(first.has("sendToGroup", "x"), true);
    first.grant("joinLeaveGroup");
    assert.equal(first.has("joinLeaveGroup", "secret"), true);
    assert.equal(new ConnectionPermissions(roles).has("joinLeaveGroup"), true);
  });
});

describe("flush scheduler", () => {
  it("writes an outbox flushed early and filled again in the same tick once more on the run", async () => {
    const scheduler = new FlushScheduler();
    const socket = new RecordingSocket();
    const outbox = new SocketOutbox(socket, scheduler, 1024 * 1024, noOverflow);
    outbox.push(Buffer.from("a"));
    outbox.flush();
    outbox.push(Buffer.from("b"));
    outbox.push(Buffer.from("c"));
    assert.deepEqual(
      socket.writes.map((w) => w.toString()),
      ["a"],
    );
    await turn();
    assert.deepEqual(
      socket.writes.map((w) => w.toString()),
      ["a", "bc"],
    );
    outbox.discard();
    await turn();
    assert.equal(socket.writes.length, 2, "nothing queued, nothing written");
  });

  it("after a slow flush, puts the flush off while frames keep coming, then writes them together", async () => {
    const scheduler = new FlushScheduler();
    const slow = new RecordingSocket();
    // A 20 ms flush: frames right after it count as a saturated process.
    slow.writeCostMs = 20;
    new SocketOutbox(slow, scheduler, 1024 * 1024, noOverflow).push(Buffer.from("x"));
    await turn();
    assert.equal(slow.writes.length, 1);

    const first = new RecordingSocket();
    const second = new RecordingSocket();
    const a = new SocketOutbox(first, scheduler, 1024 * 1024, noOverflow);
    const b = new SocketOutbox(second, scheduler, 1024 * 1024, noOverflow);
    a.push(Buffer.from("1"));
    b.push(Buffer.from("2"));
    // A frame in the next turn (as a request read by the next poll would bring) still joins.
    await turn();
    a.push(Buffer.from("3"));
    const deadline = Date.now() + 1000;
    while (first.writes.length === 0 && Date.now() < deadline) await turn();
    assert.deepEqual(
      first.writes.map((w) => w.toString()),
      ["13"],
    );
    assert.deepEqual(
      second.writes.map((w) => w.toString()),
      ["2"],
    );
    // That run was quick: the next one is on the next turn again.
    a.push(Buffer.from("4"));
    await turn();
    assert.deepEqual(
      first.writes.map((w) => w.toString()),
      ["13", "4"],
    );
  });

  it("does not wait after a slow flush once frames come after a quiet spell", async () => {
    const scheduler = new FlushScheduler();
    const slow = new RecordingSocket();
    slow.writeCostMs = 5;
    new SocketOutbox(slow, scheduler, 1024 * 1024, noOverflow).push(Buffer.from("x"));
    await turn();
    await new Promise((resolve) => setTimeout(resolve, 30));
    const socket = new RecordingSocket();
    new SocketOutbox(socket, scheduler, 1024 * 1024, noOverflow).push(Buffer.from("1"));
    await turn();
    assert.equal(socket.writes.length, 1, "flushed on the next turn");
  });

  it("does not wait when a socket's queue grows large during the wait", async () => {
    const scheduler = new FlushScheduler();
    const slow = new RecordingSocket();
    slow.writeCostMs = 20;
    new SocketOutbox(slow, scheduler, 1024 * 1024, noOverflow).push(Buffer.from("x"));
    await turn();
    const socket = new RecordingSocket();
    const outbox = new SocketOutbox(socket, scheduler, 4 * 1024 * 1024, noOverflow);
    outbox.push(Buffer.alloc(200 * 1024));
    outbox.push(Buffer.alloc(100 * 1024));
    await turn();
    assert.equal(socket.writes.length, 2, "over the join limit: written chunk by chunk on the next turn");
  });
});
